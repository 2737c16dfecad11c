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
