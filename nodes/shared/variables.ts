import type { INodeProperties } from 'n8n-workflow';

/** Name/value rows of a fixedCollection (AI Reply's Context Variables, the Conversation node's Set Variables). */
export interface VariableRows {
	variable?: Array<{ name?: string; value?: unknown }>;
}

/** The rows as an object; rows without a name are ignored, a later row wins over an earlier one. */
export function variablesOf(rows: VariableRows | undefined): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (const row of rows?.variable ?? []) {
		const name = row.name === undefined || row.name === null ? '' : String(row.name).trim();
		if (name !== '') result[name] = row.value ?? '';
	}
	return result;
}

/** The name/value rows parameter both nodes offer, read back with `variablesOf`. */
export function variableRowsProperty(name: string, displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Variable',
		default: {},
		description,
		options: [
			{
				displayName: 'Variable',
				name: 'variable',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '' },
				],
			},
		],
	};
}
