import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.js';
import type { ActivePolicy, ActivePolicySet, Ctx, Logger } from './ctx.js';
import { migrate, openDb, type Db } from './db/index.js';
import { compileEscalation, escalationPolicy } from './escalation/index.js';
import { compileGates } from './gates/index.js';
import { createApp } from './http/app.js';
import {
  createBatcher,
  createVerdictHub,
  tenantHashKey,
  writeIntakes,
  type PreparedIntake,
} from './intake/index.js';
import { bootstrapAdmin } from './keys/index.js';
import { createMetrics } from './metrics/registry.js';
import { claimCases, compileQueue, type CaseState, type ClaimRequest } from './queue/index.js';
import {
  compilePolicySource,
  POLICY_CHANNEL,
  readPolicyFile,
  refreshActivePolicies,
  seedActivePolicies,
  type Policy,
} from './routing/index.js';
import { createSloRuntime } from './slo/runtime.js';
import { startScheduler } from './scheduler/index.js';
import { TASKS } from './scheduler/tasks.js';

/** Validates a parsed policy's other sections with each owning domain's compiler. */
export function compileActivePolicy(doc: Policy): ActivePolicy {
  return {
    doc,
    gates: compileGates(doc.gates),
    queue: compileQueue(doc),
    escalation: compileEscalation(doc),
  };
}

/** Loads and validates a policy file with every section compiled; errors carry file:line:col. */
export function loadActivePolicy(path: string): ActivePolicy {
  return compilePolicySource(compileActivePolicy, readPolicyFile(path), path);
}

/** Assembles a Ctx on an open, migrated database. */
export async function createCtx(opts: {
  config: Config;
  db: Db;
  log: Logger;
  clock?: () => Date;
}): Promise<Ctx> {
  const fromFile = loadActivePolicy(opts.config.policy);
  let policies: ActivePolicySet = { primary: fromFile, workflows: new Map() };
  const hashKeys = new Map<string, Promise<Uint8Array>>();
  const clock = opts.clock ?? (() => new Date());
  const ctx: Ctx = {
    config: opts.config,
    db: opts.db,
    clock,
    log: opts.log,
    policy: (workflow) => (workflow ? policies.workflows.get(workflow) : undefined) ?? policies.primary,
    policies: {
      compile: compileActivePolicy,
      current: () => policies,
      use: (set) => {
        policies = set;
      },
      close: async () => undefined,
    },
    // PGlite is one connection, so one batch at a time. On a server two overlap: one commits while
    // the next gathers, and fewer, larger batches cost fewer round trips per transaction.
    intake: createBatcher<PreparedIntake, void>({
      write: (items) => writeIntakes({ db: opts.db, log: opts.log }, items),
      concurrency: opts.db.kind === 'pglite' ? 1 : 2,
    }),
    // Sixteen reviewers asking at once cost one queue scan and one commit, not sixteen.
    claims: createBatcher<ClaimRequest, CaseState | undefined>({
      write: (items) => claimCases(opts.db, items),
      maxBatch: 32,
      concurrency: opts.db.kind === 'pglite' ? 1 : 2,
    }),
    verdicts: await createVerdictHub(opts.db),
    tenantHashKey: (tenantId) => {
      let key = hashKeys.get(tenantId);
      if (!key) {
        key = tenantHashKey(opts.db, tenantId);
        key.catch(() => hashKeys.delete(tenantId));
        hashKeys.set(tenantId, key);
      }
      return key;
    },
    // LLM SLO alerts go to ML ops, whoever the policy in force names for that audience.
    slo: createSloRuntime(opts.config.sloFile, opts.log, () => escalationPolicy(ctx).notify.ml_ops),
    metrics: createMetrics(opts.db, clock),
  };
  policies = await seedActivePolicies(ctx, fromFile);
  // Another process's activation arrives as a NOTIFY; a failed refresh keeps the running policy.
  const unlisten = await opts.db.listen(POLICY_CHANNEL, () => {
    refreshActivePolicies(ctx).catch((err: unknown) =>
      opts.log.error('policy refresh failed; the running policy stays', { error: String(err) }),
    );
  });
  ctx.policies.close = unlisten;
  return ctx;
}

/** A running server: its URL, its context, and how to stop it cleanly. */
export interface RunningServer {
  url: string;
  ctx: Ctx;
  adminKey?: { generated?: string; keyFile?: string };
  close(): Promise<void>;
}

/** How a server is started beyond its config: tests inject a clock and drive the scheduler by hand. */
export interface StartOptions {
  clock?: () => Date;
  /** Run scheduled tasks on timers (default true); tests turn it off and call `runTasksOnce`. */
  scheduler?: boolean;
}

/** Opens the store, migrates, makes sure an admin key exists, and listens. */
export async function startServer(
  config: Config,
  log: Logger,
  opts: StartOptions = {},
): Promise<RunningServer> {
  const db = await openDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    preparedStatements: config.pgPreparedStatements,
  });
  try {
    await migrate(db);
    const ctx = await createCtx({ config, db, log, clock: opts.clock });
    const adminKey = await bootstrapAdmin(ctx);
    const app = createApp(ctx);
    const server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    });
    const scheduler = opts.scheduler === false ? undefined : startScheduler(ctx, TASKS);
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    return {
      url: `http://${host}:${port}`,
      ctx,
      adminKey,
      async close() {
        await scheduler?.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        const http = server as unknown as { closeIdleConnections(): void; closeAllConnections(): void };
        http.closeIdleConnections();
        // Wakes long-polls so they answer with the current verdict instead of holding the close.
        await ctx.verdicts.close();
        await ctx.policies.close();
        const force = setTimeout(() => http.closeAllConnections(), 5_000);
        await closed;
        clearTimeout(force);
        await ctx.intake.drain();
        await ctx.claims.drain();
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}
