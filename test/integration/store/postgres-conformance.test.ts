import { describeStoreConformance } from '../../store-conformance/conformance';
import { SchemaFixture } from './postgres-support';

// The same suite as SQLite's, on the real PostgreSQL; each test gets a fresh schema, dropped after.
describeStoreConformance('postgres', async () => {
	const fixture = new SchemaFixture('conf');
	return {
		open: () => fixture.open(),
		dispose: () => fixture.dispose(),
	};
});
