import type { Db } from './db.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export type { Db, Queryable, QueryResult, Session, Tx } from './db.js';
export { migrate, pendingMigrations } from './migrate.js';

/**
 * Opens the PostgreSQL server at `databaseUrl` when given (statements prepared unless
 * `preparedStatements` is false), otherwise the embedded store in `dataDir`.
 */
export function openDb(opts: {
  databaseUrl?: string;
  dataDir?: string;
  preparedStatements?: boolean;
}): Promise<Db> {
  return opts.databaseUrl
    ? openPostgres(opts.databaseUrl, { prepare: opts.preparedStatements ?? true })
    : openPglite(opts.dataDir);
}
