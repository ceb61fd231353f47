/**
 * npm run bench:slo — `GET /v1/slo` (every SLO of the shipped file, with sub-SLOs, burn rates and
 * trends) over BENCH_ROWS (default 10 M) stored transactions spread over 30 days on the server
 * store, read from the incremental rollups; against a baseline measured in the same run: ONE
 * full-scan aggregate over the same transactions for the 30-day window only (a full-scan
 * implementation would need many such scans: one per window and split). Also prints how fast the
 * rollup task catches up with the generated rows.
 * Env: BENCH_ROWS, GATEHOUSE_TEST_DATABASE_URL (default the local `test` database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { resolveConfig } from '../src/config.js';
import { silentLogger } from '../src/ctx.js';
import { startServer } from '../src/server.js';
import { rollUp } from '../src/slo/index.js';
import { fmt, percentile, withDatabase } from './lib.js';
import { FULL_SCAN, GENERATE } from './slo-data.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000_000);
const CHUNK = 1_000_000;
const KEY = 'gh_bench_admin_key_0123456789abcdefghijklmnop';
const NOW = new Date('2026-03-31T12:00:00Z');

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

// Median wall time of n calls, and the median CPU time this process (server and client) spent.
async function median(n: number, fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    wall.push((await timed(fn))[1]);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return {
    wall: percentile(
      wall.sort((a, b) => a - b),
      50,
    ),
    cpu: percentile(
      cpu.sort((a, b) => a - b),
      50,
    ),
  };
}

async function main(url: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const config = resolveConfig({ port: 0, databaseUrl: url, dataDir, adminKey: KEY }, {});
  const server = await startServer(config, silentLogger, { clock: () => NOW, scheduler: false });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const [, genMs] = await timed(async () => {
      for (let from = 0; from < ROWS; from += CHUNK) {
        await db.query(GENERATE, [NOW, from, Math.min(ROWS, from + CHUNK) - 1, ROWS]);
      }
    });
    await db.query('analyze');
    const [, rollMs] = await timed(() => rollUp(server.ctx));
    const { rows } = await db.query<{ n: string }>(`select count(*) as n from slo_rollups`);
    const get = async () => {
      const res = await fetch(server.url + '/v1/slo', { headers: { authorization: `Bearer ${KEY}` } });
      if (res.status !== 200) throw new Error(`GET /v1/slo answered ${res.status}`);
      return res.json();
    };
    const report = (await get()) as { slos: { subs: unknown[] }[] };
    const sloMs = await median(7, get);
    const scanMs = await median(3, () => db.query(FULL_SCAN, [NOW]));
    const subs = report.slos.reduce((a, s) => a + s.subs.length, 0);
    process.stdout.write(
      [
        `transactions           ${fmt(ROWS, 0, 12)}   generated in ${fmt(genMs / 1000, 1)} s`,
        `rollup catch-up        ${fmt(ROWS / (rollMs / 1000), 0, 12)} tx/s   (${fmt(rollMs / 1000, 1)} s; ${rows[0]!.n} rollup rows)`,
        `GET /v1/slo            ${fmt(sloMs.wall, 1, 12)} ms median of 7   (${report.slos.length} SLOs, ${subs} sub-SLOs, all windows; Node CPU ${fmt(sloMs.cpu, 1, 0)} ms)`,
        `baseline: 1 full scan  ${fmt(scanMs.wall, 1, 12)} ms median of 3   (one 30-day window, 5 counts)`,
        `ratio scan / rollups   ${fmt(scanMs.wall / sloMs.wall, 1, 12)} ×`,
        `load average           ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}   (a shared machine: figures are indicative)`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.end();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await withDatabase('slo', main);
