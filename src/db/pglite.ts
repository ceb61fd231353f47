import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Db, Queryable, QueryResult, Tx } from './db.js';

/**
 * Opens the embedded store in `dataDir` (created when missing), or in memory when `dataDir` is
 * undefined. PGlite is one connection: its own mutex serialises transactions and queries.
 */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = new PGlite(dataDir);
  await pg.waitReady;
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Queryable & Tx => ({
    exec: async (sql) => {
      await q.exec(sql);
    },
    async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      const res = await q.query<R>(sql, params);
      return { rows: res.rows, rowCount: res.affectedRows ?? res.rows.length };
    },
  });
  const root = wrap(pg);
  return {
    kind: 'pglite',
    query: root.query,
    // PGlite rolls back before re-throwing when the callback fails.
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    listen: async (channel, handler) => {
      const unsub = await pg.listen(channel, handler);
      return () => unsub();
    },
    // One process, one connection: the session is the database itself, never lost while open.
    session: async () => ({ query: root.query, lost: false, release: async () => undefined }),
    close: () => pg.close(),
  };
}
