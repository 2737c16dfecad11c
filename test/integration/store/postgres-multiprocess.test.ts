import { describeMultiProcess } from '../../store-multiprocess/suite';
import { SchemaFixture, withAdmin } from './postgres-support';

// Processes sharing one PostgreSQL schema, as n8n's main, webhook and worker processes do in queue mode.
describeMultiProcess('postgres', async () => {
	const fixture = new SchemaFixture('multi');
	return {
		engine: 'postgres',
		spec: `postgres:${fixture.schema}`,
		open: () => fixture.open(),
		scalar: (sql) =>
			withAdmin(async (client) => Number((await client.query<{ value: string }>(sql((name) => `"${fixture.schema}".${name}`))).rows[0].value)),
		dispose: () => fixture.dispose(),
	};
});
