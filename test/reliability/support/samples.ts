/**
 * The seeds of the fuzzing: Meta's documented webhook examples (the repository's copy of the shared
 * samples), and, when the shared folder sits beside the repository, its other documented bodies
 * (API requests, responses, error bodies), which are JSON but no webhook.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Sample {
	name: string;
	body: JsonObject;
}

const FIXTURES = resolve(__dirname, '../../fixtures/meta-samples');
const SHARED = resolve(__dirname, '../../../../shared/meta-samples');

function readJson(folder: string, name: string): Json {
	return JSON.parse(readFileSync(join(folder, name), 'utf8')) as Json;
}

function isObject(value: Json): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isWebhook(value: Json): value is JsonObject {
	return isObject(value) && value.object === 'whatsapp_business_account';
}

/** Every documented webhook example, parsed. */
export function webhookSamples(): Sample[] {
	return readdirSync(FIXTURES)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => ({ name, body: readJson(FIXTURES, name) }))
		.filter((sample): sample is Sample => isWebhook(sample.body));
}

/** The shared folder's documented bodies that are not webhooks (empty when the folder is absent). */
export function nonWebhookSamples(): Json[] {
	if (!existsSync(SHARED)) return [];
	return readdirSync(SHARED)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.flatMap((name) => {
			try {
				const body = readJson(SHARED, name);
				return isWebhook(body) ? [] : [body];
			} catch {
				// Meta's own 'reaction removed' example is not valid JSON; the fixtures hold its fix.
				return [];
			}
		});
}

/** Every `messages` array item and every `statuses` array item of a webhook, with their paths. */
export function itemsOf(body: JsonObject, kind: 'messages' | 'statuses'): Array<{ path: Array<string | number>; item: JsonObject }> {
	const found: Array<{ path: Array<string | number>; item: JsonObject }> = [];
	const entries = Array.isArray(body.entry) ? body.entry : [];
	entries.forEach((entry, entryIndex) => {
		const changes = isObject(entry) && Array.isArray(entry.changes) ? entry.changes : [];
		changes.forEach((change, changeIndex) => {
			if (!isObject(change) || change.field !== 'messages' || !isObject(change.value)) return;
			const items = change.value[kind];
			if (!Array.isArray(items)) return;
			items.forEach((item, index) => {
				if (isObject(item)) found.push({ path: ['entry', entryIndex, 'changes', changeIndex, 'value', kind, index], item });
			});
		});
	});
	return found;
}
