/** Shared helpers for benchmark scripts: a scratch database, timed closed-loop load and percentiles. */
import pg from 'pg';

/** The PostgreSQL server benchmarks run on (the test suite's). */
export const SERVER_URL =
  process.env.GATEHOUSE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Runs `fn` on a fresh database `gh_bench_<label>_<pid>` on the server, dropped afterwards. */
export async function withDatabase<T>(label: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `gh_bench_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = '/' + name;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** The p-th percentile (0–100) of sorted-ascending samples, nearest-rank. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Result of a closed-loop run: operations per second and latency percentiles in ms. */
export interface LoadResult {
  ops: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Operations per second in each `bucketSeconds` slice of the run, when asked for. */
  perBucket?: number[];
  /** Operations including the warm-up's, for counters read around the whole run. */
  total: number;
}

/**
 * Runs `clients` loops calling `op` back to back for `seconds` (after a short warm-up) and measures
 * each call; with `bucketSeconds`, also the rate in each slice of that length, to show a trend.
 * Bounded in time: it stops by itself.
 */
export async function closedLoop(
  clients: number,
  seconds: number,
  op: (i: number) => Promise<void>,
  bucketSeconds?: number,
): Promise<LoadResult> {
  const warmUntil = performance.now() + 500;
  const endAt = warmUntil + seconds * 1000;
  const latencies: number[] = [];
  const buckets = bucketSeconds ? new Array<number>(Math.ceil(seconds / bucketSeconds)).fill(0) : undefined;
  let n = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const t0 = performance.now();
        if (t0 >= endAt) return;
        await op(n++);
        const t1 = performance.now();
        if (t0 < warmUntil) continue;
        latencies.push(t1 - t0);
        if (buckets)
          buckets[Math.min(buckets.length - 1, Math.floor((t1 - warmUntil) / 1000 / bucketSeconds!))]!++;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length,
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ...(buckets && { perBucket: buckets.map((b) => b / bucketSeconds!) }),
    total: n,
  };
}

/** What the server's write-ahead log took per operation: bytes, records and flushes to disk. */
export interface WalCost {
  bytes: number;
  records: number;
  flushes: number;
}

interface WalReading {
  lsn: string;
  records: number;
  flushes: number;
}

type Reader = { query(sql: string): Promise<{ rows: unknown[] }> };

/**
 * Runs `run` and divides the WAL the whole server wrote meanwhile by the operations it reports
 * (`count`). Bytes come from the insert position; records and flushes from pg_stat_wal, which
 * backends report when idle for a second, so the closing reading waits for that.
 */
export async function measureWal<T>(
  q: Reader,
  run: () => Promise<T>,
  count: (r: T) => number,
): Promise<T & { wal: WalCost }> {
  const read = async () =>
    (
      await q.query(
        `select pg_current_wal_lsn()::text as lsn, wal_records::float8 as records, wal_sync::float8 as flushes from pg_stat_wal`,
      )
    ).rows[0] as WalReading;
  await new Promise((r) => setTimeout(r, 1100));
  const a = await read();
  const r = await run();
  await new Promise((r) => setTimeout(r, 1100));
  const b = await read();
  const { rows } = await q.query(`select pg_wal_lsn_diff('${b.lsn}', '${a.lsn}')::float8 as bytes`);
  const n = count(r);
  return {
    ...r,
    wal: {
      bytes: (rows[0] as { bytes: number }).bytes / n,
      records: (b.records - a.records) / n,
      flushes: (b.flushes - a.flushes) / n,
    },
  };
}

/** Formats a number with a fixed count of decimals, right-aligned to `width`. */
export function fmt(x: number, decimals = 0, width = 8): string {
  return x.toFixed(decimals).padStart(width);
}
