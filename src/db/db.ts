/** A result set: rows typed by the caller, and how many rows a write touched. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Something that runs SQL: the database itself, or one open transaction. */
export interface Queryable {
  /** One statement with `$1` placeholders. Never send several statements here. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

/** An open transaction. */
export interface Tx extends Queryable {
  /** Runs a script of several statements without parameters (migrations only). */
  exec(sql: string): Promise<void>;
}

/**
 * The storage seam. Two implementations run the same SQL: embedded PGlite and a PostgreSQL
 * server. Only `transaction` opens transactions; the callback's writes commit together or not at all.
 */
export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Calls `handler` for every NOTIFY on `channel`; resolves once listening. Returns the unsubscribe. */
  listen(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * A connection of its own for session state (advisory locks): a dedicated one on the server, the
   * one connection on PGlite. `lost` is true once the server side of it is gone.
   */
  session(): Promise<Session>;
  close(): Promise<void>;
}

/** A pinned connection; session-level locks live exactly as long as it does. */
export interface Session extends Queryable {
  readonly lost: boolean;
  release(): Promise<void>;
}
