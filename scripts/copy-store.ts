// Copies a conversation store into a new, empty one (SQLite → PostgreSQL or back), keeping every id.
// Usage: node scripts/run-ts.js scripts/copy-store.ts --from sqlite:<file> --to postgres://user@host:5432/db [--to-schema name]
// See core/store/copy-command.ts; the built package ships the same command as dist/core/store/copy-command.js.
import { copyStoreCli } from '../core/store/copy-command';

void copyStoreCli(process.argv.slice(2));
