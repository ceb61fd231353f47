import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { toAuditRows, type AuditInput } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import { planIntakeEscalation, writeIntakeEscalations, type IntakeEscalation } from '../escalation/index.js';
import { collectVaulted, enqueueJudge, gateFacts, runGates, storeVaulted } from '../gates/index.js';
import type { Principal } from '../keys/index.js';
import { openCase, queueConfigOf, type ClockEventRow } from '../queue/index.js';
import {
  mergeCaseRoutes,
  routeTransaction,
  type CaseRouteRow,
  type CounterHitRow,
} from '../routing/index.js';
import { findByIdempotencyKey, insertIntakes, type CaseRow, type TransactionRow } from './queries.js';
import type { TransactionInput, TransactionView } from './schema.js';
import { presentAsFirstSent } from './view.js';

/** One accepted transaction, ready to be written with its batch. */
export interface PreparedIntake {
  /** The answer, sent once the batch has committed. */
  view: TransactionView;
  transaction: TransactionRow;
  case: CaseRow | null;
  clockEvents: ClockEventRow[];
  audit: AuditInput[];
  /** Routing state written with the transaction: counter hits, and its case's route or fold. */
  routing: { counterHits: CounterHitRow[]; caseRoutes: CaseRouteRow[] };
  escalation: IntakeEscalation;
}

/** The answer to an intake: the view, and whether it replays an earlier request. */
export interface IntakeResult {
  view: TransactionView;
  replayed: boolean;
}

/**
 * Accepts one transaction: runs the gates, routes it, opens a case when it must be held, and
 * writes all of it with its audit entries before answering. A repeated `idempotencyKey` with the
 * same body replays the first answer; with another body it is `idempotency_conflict`.
 */
export async function acceptTransaction(
  ctx: Ctx,
  by: Principal,
  input: TransactionInput,
  idempotencyKey?: string,
): Promise<IntakeResult> {
  const requestHash = idempotencyKey ? hashRequest(input) : null;
  if (idempotencyKey && requestHash) {
    const replay = await replayIdempotent(ctx, by.tenantId, idempotencyKey, requestHash);
    if (replay) return replay;
  }
  const prepared = await prepareIntake(ctx, by, input, idempotencyKey ?? null, requestHash);
  try {
    await ctx.intake.submit(prepared);
  } catch (err) {
    // A concurrent request with the same key won the race: answer as a replay of it.
    if (idempotencyKey && requestHash && isUniqueViolation(err)) {
      const replay = await replayIdempotent(ctx, by.tenantId, idempotencyKey, requestHash);
      if (replay) return replay;
    }
    throw err;
  }
  await enqueueJudge(ctx, by, prepared.view.id);
  return { view: prepared.view, replayed: false };
}

async function replayIdempotent(
  ctx: Ctx,
  tenantId: string,
  key: string,
  hash: string,
): Promise<IntakeResult | undefined> {
  const found = await findByIdempotencyKey(ctx.db, tenantId, key);
  if (!found) return undefined;
  if (found.request_hash !== hash) {
    throw new GatehouseError(
      'idempotency_conflict',
      `Idempotency-Key "${key}" was first used with a different body`,
    );
  }
  return { view: presentAsFirstSent(found), replayed: true };
}

async function prepareIntake(
  ctx: Ctx,
  by: Principal,
  input: TransactionInput,
  idempotencyKey: string | null,
  requestHash: string | null,
): Promise<PreparedIntake> {
  const policy = ctx.policy(input.workflow);
  const now = ctx.clock();
  const at = now.toISOString();
  const id = uuidv7();
  const vault = collectVaulted();
  const gates = await runGates(
    policy.gates,
    {
      prompt: input.prompt,
      output: input.output,
      confidence: input.confidence ?? null,
      workflow: input.workflow ?? null,
      metadata: input.metadata ?? {},
    },
    { hmacKey: await ctx.tenantHashKey(by.tenantId), vault: vault.hook },
  );
  // Vaulted originals are stored first: a token in a committed transaction must always resolve.
  await storeVaulted(ctx, by, id, vault.items);
  const routed = await routeTransaction(
    ctx.db,
    policy.doc,
    {
      tenantId: by.tenantId,
      id,
      prompt: input.prompt,
      workflow: input.workflow,
      confidence: input.confidence,
      model: input.model,
      parameters: input.parameters,
      metadata: input.metadata,
      telemetry: input.telemetry,
      gates: gateFacts(gates.results),
    },
    now,
  );
  const decision = routed.route;
  const { verdict, action } = routed.placement;
  const caseId = routed.placement.openCase ? uuidv7() : routed.placement.foldInto;
  const view: TransactionView = {
    id,
    verdict,
    output: verdict === 'released' ? gates.output : null,
    gates: gates.results,
    risk_class: decision.risk_class,
    reason: decision.reason,
    action,
    case_id: caseId,
    policy_version: policy.doc.version,
    matched_rules: decision.matched_rules,
    remediation: decision.remediation,
    created_at: at,
    decided_at: verdict === 'held' ? null : at,
  };
  const transaction: TransactionRow = {
    tenant_id: by.tenantId,
    id,
    idempotency_key: idempotencyKey,
    request_hash: requestHash,
    workflow: input.workflow ?? null,
    verdict,
    risk_class: decision.risk_class,
    reason: decision.reason,
    action,
    // Where the policy redacts, the unredacted text is never stored (vaulted originals excepted).
    prompt: gates.stored.prompt,
    redacted_prompt: gates.prompt,
    output: gates.stored.output,
    redacted_output: gates.output,
    released_output: view.output,
    model: input.model ?? null,
    parameters: input.parameters ?? null,
    confidence: input.confidence ?? null,
    metadata: input.metadata ?? {},
    telemetry: input.telemetry ?? {},
    gates: gates.results,
    policy_version: policy.doc.version,
    matched_rules: decision.matched_rules,
    remediation: decision.remediation,
    case_id: caseId,
    created_at: at,
    decided_at: view.decided_at,
  };
  const opened = routed.placement.openCase
    ? openCase(
        { doc: policy.doc, queue: queueConfigOf(policy) },
        {
          tenantId: by.tenantId,
          caseId: caseId!,
          transactionId: id,
          route: { ...decision },
          createdAt: now,
          enteredAt: now,
          actor: by.keyId,
        },
      )
    : null;
  const kase: CaseRow | null = opened?.case ?? null;
  const entry = (kind: string, body: Record<string, unknown>, caseRef: string | null = null): AuditInput => ({
    tenantId: by.tenantId,
    kind,
    transactionId: id,
    caseId: caseRef,
    actor: by.keyId,
    at: now,
    body,
  });
  const audit = [
    entry('transaction.received', {
      ...input,
      prompt: gates.stored.prompt,
      output: gates.stored.output,
      idempotency_key: idempotencyKey,
    }),
    entry('gates.evaluated', {
      results: gates.results,
      redacted_output: gates.output,
      redacted_prompt: gates.prompt,
    }),
    entry('transaction.routed', {
      policy_version: policy.doc.version,
      ...decision,
      verdict,
      placement: routed.placement,
    }),
  ];
  if (kase) audit.push(entry('case.opened', { ...kase }, kase.id));
  const escalation = planIntakeEscalation(
    policy,
    {
      tenantId: by.tenantId,
      transactionId: id,
      workflow: transaction.workflow,
      prompt: input.prompt,
      case: kase,
      route: decision,
    },
    now,
  );
  if (routed.placement.foldInto)
    audit.push(entry('case.folded', { fingerprint: decision.fingerprint }, caseId));
  const caseRoute = routed.caseRoute(kase?.id ?? null);
  return {
    view,
    transaction,
    case: kase,
    clockEvents: opened?.clockEvents ?? [],
    audit,
    escalation,
    routing: { counterHits: routed.counterHits, caseRoutes: caseRoute ? [caseRoute] : [] },
  };
}

/** Writes a batch of prepared intakes atomically, in one statement and one round trip. */
export async function writeIntakes(
  ctx: Pick<Ctx, 'db'> & Partial<Pick<Ctx, 'log'>>,
  items: PreparedIntake[],
): Promise<void[]> {
  await insertIntakes(ctx.db, {
    transactions: items.map((i) => i.transaction),
    cases: items.flatMap((i) => (i.case ? [i.case] : [])),
    clockEvents: items.flatMap((i) => i.clockEvents),
    audit: toAuditRows(items.flatMap((i) => i.audit)),
    counterHits: items.flatMap((i) => i.routing.counterHits),
    caseRoutes: mergeCaseRoutes(items.flatMap((i) => i.routing.caseRoutes)),
  });
  await writeIntakeEscalations(
    ctx.db,
    items.map((i) => i.escalation),
    ctx.log,
  );
  return items.map(() => undefined);
}

/** SHA-256 of the body with object keys sorted, so key order does not make two bodies differ. */
export function hashRequest(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return '{' + entries.map(([k, x]) => JSON.stringify(k) + ':' + canonicalJson(x)).join(',') + '}';
  }
  return JSON.stringify(v);
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}
