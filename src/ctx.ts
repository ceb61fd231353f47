import type { Config } from './config.js';
import type { Db } from './db/index.js';
import type { EscalationPolicy } from './escalation/index.js';
import type { GateSet } from './gates/index.js';
import type { Batcher } from './intake/batcher.js';
import type { PreparedIntake } from './intake/intake.js';
import type { VerdictHub } from './intake/verdicts.js';
import type { Metrics } from './metrics/registry.js';
import type { QueueConfig } from './queue/compile.js';
import type { CaseState, ClaimRequest } from './queue/index.js';
import type { Policy } from './routing/index.js';
import type { SloRuntime } from './slo/runtime.js';

/** Where log lines go; JSON lines on stderr in production, silent in tests. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** The policy in force, with its gates compiled. */
export interface ActivePolicy {
  doc: Policy;
  gates: GateSet;
  /** Groups, checklists and calendars of the review queue (`compileQueue`). */
  queue?: QueueConfig;
  /** Ladders, channels and shifts (`escalation`, `notifications`); seed defaults when absent. */
  escalation?: EscalationPolicy;
}

/** The policies in force: the primary one, and one per workflow that has its own (keyed by name). */
export interface ActivePolicySet {
  primary: ActivePolicy;
  workflows: ReadonlyMap<string, ActivePolicy>;
}

/** How the policies in force change: compile validates every section, use switches this process. */
export interface PolicySwitch {
  /** Runs each domain's section compiler; throws `policy_invalid` with file:line:col. */
  compile(doc: Policy): ActivePolicy;
  current(): ActivePolicySet;
  use(set: ActivePolicySet): void;
  /** Stops following activations made by other processes. */
  close(): Promise<void>;
}

/** What every command receives first: nothing hides in module singletons. */
export interface Ctx {
  config: Config;
  db: Db;
  /** The current time; tests inject a fake clock. */
  clock: () => Date;
  log: Logger;
  /** The policy a transaction of `workflow` routes with: the workflow's own, else the primary one. */
  policy: (workflow?: string | null) => ActivePolicy;
  policies: PolicySwitch;
  /** Group-commit writer for intake. */
  intake: Batcher<PreparedIntake, void>;
  verdicts: VerdictHub;
  /** Group claim for the review queue: claims that arrive together go to the database together. */
  claims: Batcher<ClaimRequest, CaseState | undefined>;
  /** The tenant's PII hash key (cached: it never changes). */
  tenantHashKey: (tenantId: string) => Promise<Uint8Array>;
  /** The SLO file in force and where SLO alert transitions go. */
  slo: SloRuntime;
  /** This process's Prometheus registry (`/metrics`). */
  metrics: Metrics;
}

/** Writes one JSON object per line to stderr. */
export const stderrLogger: Logger = {
  info: (msg, fields) => process.stderr.write(JSON.stringify({ level: 'info', msg, ...fields }) + '\n'),
  error: (msg, fields) => process.stderr.write(JSON.stringify({ level: 'error', msg, ...fields }) + '\n'),
};

/** Drops every line. */
export const silentLogger: Logger = { info: () => undefined, error: () => undefined };
