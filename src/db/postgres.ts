import pg from 'pg';
import type { Db, QueryResult, Tx } from './db.js';

// int8 as a JS number, the same as PGlite gives, so both stores hand back identical rows.
// Counts and ids we store as int8 stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Opens a pool on a PostgreSQL server. `max` bounds the connections this process holds; `prepare`
 * false runs every statement unnamed, for poolers that cannot keep prepared statements.
 */
export async function openPostgres(url: string, opts: { max?: number; prepare?: boolean } = {}): Promise<Db> {
  const max = opts.max ?? 20;
  // Idle connections are kept 5 minutes, not pg's 10 s: each holds its prepared statements and
  // their cached plans, which a bursty load would otherwise rebuild (five plannings per statement)
  // on every fresh connection.
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 300_000 });
  // An idle pooled connection the server closed (restart, failover, a DBA's terminate) is
  // dropped by the pool and replaced on demand; without a listener the error would end the process.
  pool.on('error', () => undefined);
  // Fail at start, not at the first request, when the server is unreachable.
  await pool.query('select 1');
  const statements = preparedStatements();
  const run = async <R>(
    c: pg.Pool | pg.PoolClient | pg.Client,
    sql: string,
    params?: unknown[],
  ): Promise<QueryResult<R>> => {
    const name = opts.prepare !== false && params?.length ? statements.nameOf(sql) : undefined;
    try {
      const res = await c.query({ text: sql, values: params, name });
      return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
    } catch (err) {
      if (name && isStalePlan(err)) statements.invalidate();
      throw err;
    }
  };
  let listener: pg.Client | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  async function ensureListener(): Promise<pg.Client> {
    if (listener) return listener;
    // LISTEN needs a connection of its own that stays open; pool clients come and go.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    client.on('notification', (msg) => {
      for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
    });
    client.on('error', () => {
      // A lost listener connection is reopened on the next listen; waiters fall back to their timeout.
      listener = undefined;
    });
    listener = client;
    return client;
  }

  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => {
            await client.query(sql);
          },
        });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async listen(channel, handler) {
      const client = await ensureListener();
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      }
      set.add(handler);
      return async () => {
        set.delete(handler);
      };
    },
    async session() {
      const client = new pg.Client({ connectionString: url });
      let lost = false;
      // A dropped session (server restart, network) must not end the process; its holder sees `lost`.
      client.on('error', () => (lost = true));
      client.on('end', () => (lost = true));
      await client.connect();
      return {
        query: (sql, params) => run(client, sql, params),
        get lost() {
          return lost;
        },
        release: async () => {
          await client.end().catch(() => undefined);
        },
      };
    },
    async close() {
      await listener?.end().catch(() => undefined);
      await pool.end();
    },
  };
}

/** Most statements the pool prepares; past it, texts run unprepared (see preparedStatements). */
const PREPARED_LIMIT = 1000;

/**
 * Names for server-side prepared statements, one per distinct SQL text. node-postgres parses and
 * plans a named statement once per connection and then only binds and executes it; unnamed, every
 * call pays the parse and plan again, which was half the cost of the queue's claim (bench:claim).
 * Gatehouse's texts are fixed (values travel as parameters), so they are few; the limit keeps a
 * text built at run time from growing every connection's statement cache without bound.
 */
function preparedStatements() {
  const names = new Map<string, string>();
  let generation = 0;
  return {
    nameOf(sql: string): string | undefined {
      let name = names.get(sql);
      if (name === undefined && names.size < PREPARED_LIMIT) {
        name = `gh${generation}_${names.size}`;
        names.set(sql, name);
      }
      return name;
    },
    /** After DDL changed a table under a prepared statement, prepare every text afresh. */
    invalidate(): void {
      generation++;
      names.clear();
    },
  };
}

/** PostgreSQL refuses a prepared plan whose result columns changed under it (ALTER TABLE since). */
function isStalePlan(err: unknown): boolean {
  return (err as { code?: string }).code === '0A000' && /cached plan/.test((err as Error).message);
}
