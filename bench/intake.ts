/**
 * npm run bench:intake — durable intake throughput and latency over HTTP on both stores with
 * 1/4/16 clients, against the ceiling measured in the same run: the same PostgreSQL server's bare
 * single-row durable INSERT rate from the same driver (pg). Prints the ratios.
 * Env: BENCH_SECONDS (default 5), GATEHOUSE_TEST_DATABASE_URL (default the local `test` database).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { makeTransaction, STORY_OUTPUT } from '../test/helpers/factories.js';
import { closedLoop, fmt, withDatabase, type LoadResult } from './lib.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = [1, 4, 16];
const KEY = 'gh_bench_admin_key_0123456789abcdefghijklmnop';

const OUTPUTS = [
  'Your parcel ships tomorrow; tracking number 1Z999AA10123456784.',
  'We refunded 12,500 KZT to your account. Reach us at support@shop.example if it does not arrive.',
  STORY_OUTPUT,
  'Your statement arrives on the 3rd business day of each month. Call +44 20 7946 0958 for help.',
];

async function ceiling(url: string, clients: number): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: url, max: clients });
  await pool.query('create table if not exists ceiling (id bigint primary key, body jsonb not null)');
  const body = JSON.stringify(makeTransaction());
  let id = Date.now() * 1000;
  const r = await closedLoop(clients, SECONDS, async () => {
    await pool.query('insert into ceiling (id, body) values ($1, $2)', [id++, body]);
  });
  await pool.end();
  return r;
}

async function intake(args: string[], clients: number): Promise<LoadResult> {
  const proc = spawn(process.execPath, ['bin/gatehouse.js', 'start', '--json', '--port', '0', ...args], {
    env: { ...process.env, GATEHOUSE_ADMIN_KEY: KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', (l) =>
      resolve((JSON.parse(l) as { url: string }).url),
    );
    proc.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const bodies = OUTPUTS.map((output) => JSON.stringify(makeTransaction({ output })));
  try {
    return await closedLoop(clients, SECONDS, async (i) => {
      const res = await fetch(base + '/v1/transactions', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: bodies[i % bodies.length],
      });
      if (res.status !== 201) throw new Error(`intake answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    });
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
}

function row(label: string, clients: number, r: LoadResult, ceil?: LoadResult): string {
  const ratio = ceil ? fmt(r.perSecond / ceil.perSecond, 2, 7) : '      -';
  return `${label.padEnd(22)} ${String(clients).padStart(3)}  ${fmt(r.perSecond)} tx/s  p50 ${fmt(r.p50, 2, 7)} ms  p99 ${fmt(r.p99, 2, 7)} ms  ratio ${ratio}`;
}

await withDatabase('intake', async (url) => {
  console.log(
    `bench:intake — ${SECONDS}s per run, closed loop; ratio = intake tx/s ÷ ceiling rows/s at the same client count`,
  );
  const ceilings = new Map<number, LoadResult>();
  for (const c of CLIENTS) {
    const r = await ceiling(url, c);
    ceilings.set(c, r);
    console.log(row('ceiling: pg INSERT', c, r));
  }
  for (const c of CLIENTS) {
    const r = await intake(['--database-url', url], c);
    console.log(row('intake: server store', c, r, ceilings.get(c)));
  }
  for (const c of CLIENTS) {
    const dir = mkdtempSync(join(tmpdir(), 'gh-bench-'));
    try {
      const r = await intake(['--data-dir', dir], c);
      console.log(row('intake: embedded', c, r, ceilings.get(c)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
