/**
 * The seeds of the fuzzing: Meta's documented webhook examples, and its other documented bodies (API
 * requests, responses, error bodies, templates), which are JSON but no webhook; all are fixtures of
 * this repository (test/fixtures/, sources in their READMEs).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Sample {
	name: string;
	body: JsonObject;
}

const FIXTURES = resolve(__dirname, '../../fixtures/meta-samples');
const NON_WEBHOOKS = [join(FIXTURES, 'api'), resolve(__dirname, '../../fixtures/templates')];

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

/** Meta's documented bodies that are not webhooks. */
export function nonWebhookSamples(): Json[] {
	return NON_WEBHOOKS.flatMap((folder) =>
		readdirSync(folder)
			.filter((name) => name.endsWith('.json'))
			.sort()
			.map((name) => readJson(folder, name)),
	);
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
