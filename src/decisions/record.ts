import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { GatehouseError } from '../errors.js';
import { onCaseDecided } from '../escalation/index.js';
import { VERDICT_CHANNEL } from '../intake/index.js';
import type { Principal } from '../keys/index.js';
import { recordCaseOutcome, type CaseOutcome } from '../routing/index.js';
import {
  bothClocks,
  defaultGroup,
  insertClockEvents,
  lockCase,
  queueConfigOf,
  requireGroup,
  requireHeld,
  type CaseState,
  type QueueConfig,
} from '../queue/index.js';
import { consensusOf, type Consensus } from './consensus.js';
import { editRatio } from './edit-ratio.js';
import {
  closeCase,
  countReviews,
  findTemplateBody,
  insertDecision,
  insertReview,
  isRejectionReason,
  raiseCaseLevel,
  reopenForReview,
} from './queries.js';
import { checkChecklist, checkDecisionShape, escalationTarget, type DecisionInput } from './validate.js';

export type { DecisionInput } from './validate.js';

/** The stored decision and where it left the case and its transaction. */
export interface Decision {
  id: string;
  case_id: string;
  transaction_id: string;
  action: DecisionInput['action'];
  verdict: 'released' | 'held' | 'blocked';
  level: number;
  edit_ratio: number | null;
  time_spent_ms: number;
  decided_at: string;
  /** A blind review of a case that needs several: where the reviews stand; null otherwise. */
  consensus: Consensus | null;
}

/** Where a decision moves the case: closed with a verdict, or still held at a level. */
interface Outcome {
  verdict: Decision['verdict'];
  level: number;
  consensus: Consensus | null;
}

/**
 * Records a decision on a case the caller holds, in one transaction with its audit entry. Approve
 * and edit release the (edited) output, reject blocks it — each only with the checklist complete;
 * escalate hands the case to a higher level with a note, never resetting its end-to-end clock.
 * On a case needing N blind reviews each is recorded blind until all are in: unanimous approve or
 * reject closes it, anything else goes to the next level for adjudication. Time spent is measured
 * here, from the claim to now. Wakes long-polls and streams through NOTIFY. Nothing changes on error.
 */
export async function recordDecision(ctx: Ctx, by: Principal, input: DecisionInput): Promise<Decision> {
  const now = ctx.clock();
  const policy = ctx.policy();
  const config = queueConfigOf(policy);
  return ctx.db.transaction(async (tx) => {
    const c = await lockCase(tx, by, input.caseId);
    // Least privilege: outside the case's group you learn nothing about its state.
    if (c.claimed_by !== by.keyId) await requireGroup(tx, config, by, c.group_name);
    requireHeld(c, by.keyId, now);
    checkDecisionShape(input);
    const target = input.action === 'escalate' ? escalationTarget(c.level, input.level) : c.level;
    checkChecklist(input.action, c.checklist_items, input.checklist);
    // A reject names why: the reviewer's reason, else the reason the case was queued for.
    const reason = input.reason ?? (input.action === 'reject' ? (c.reason ?? undefined) : undefined);
    if (input.action === 'reject') await checkReason(tx, by.tenantId, policy.doc.reasons, reason);
    const template =
      input.template_id === undefined ? undefined : await templateBody(tx, by.tenantId, input.template_id);
    const ratio =
      input.action === 'edit'
        ? editRatio(await redactedOutput(tx, by.tenantId, c.transaction_id), input.output!)
        : null;
    const timeSpent = now.getTime() - new Date(c.claimed_at ?? now).getTime();
    const blind =
      c.reviewers_required > 1 && (await countReviews(tx, by.tenantId, c.id)) < c.reviewers_required;
    const decisionId = uuidv7();
    await insertDecision(tx, {
      tenant_id: by.tenantId,
      id: decisionId,
      case_id: c.id,
      action: input.action,
      reviewer_key_id: by.keyId,
      output: input.output ?? null,
      rationale: input.rationale ?? template ?? null,
      reason: reason ?? null,
      edit_ratio: ratio,
      time_spent_ms: timeSpent,
      decided_at: now,
      note: input.note ?? null,
      template_id: input.template_id ?? null,
      checklist: input.checklist ?? null,
      blind,
    });
    const move = { tx, config, by, c, now };
    const outcome = blind
      ? await applyBlindReview(move, input, decisionId)
      : input.action === 'escalate'
        ? await escalate(move, target)
        : await close(move, decisionId, input.action, input.output);
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: blind ? 'case.reviewed' : 'case.decided',
        transactionId: c.transaction_id,
        caseId: c.id,
        actor: by.keyId,
        at: now,
        body: {
          decision_id: decisionId,
          ...input,
          ...outcome,
          edit_ratio: ratio,
          time_spent_ms: timeSpent,
          blind,
        },
      },
    ]);
    await onCaseDecided(tx, ctx, {
      tenantId: by.tenantId,
      caseId: c.id,
      transactionId: c.transaction_id,
      decisionId,
      action: input.action,
      verdict: outcome.verdict,
      editRatio: ratio,
      actor: by.keyId,
      at: now,
    });
    if (outcome.verdict !== 'held')
      await tx.query('select pg_notify($1, $2)', [VERDICT_CHANNEL, `${by.tenantId}:${c.transaction_id}`]);
    return {
      id: decisionId,
      case_id: c.id,
      transaction_id: c.transaction_id,
      action: input.action,
      verdict: outcome.verdict,
      level: outcome.level,
      edit_ratio: ratio,
      time_spent_ms: timeSpent,
      decided_at: now.toISOString(),
      consensus: outcome.consensus,
    };
  });
}

interface Move {
  tx: Queryable;
  config: QueueConfig;
  by: Principal;
  c: CaseState;
  now: Date;
}

async function close(m: Move, decisionId: string, action: string, edited?: string): Promise<Outcome> {
  const verdict = action === 'reject' ? 'blocked' : 'released';
  const ref = { tenantId: m.by.tenantId, caseId: m.c.id, level: m.c.level };
  await insertClockEvents(m.tx, bothClocks(ref, 'stop', m.now, m.by.keyId));
  const target = { tenantId: m.by.tenantId, caseId: m.c.id, transactionId: m.c.transaction_id };
  await closeCase(m.tx, { ...target, decisionId, action, verdict, edited: edited ?? null, at: m.now });
  // Safe-pattern learning and folded repeats follow the case's outcome (routing).
  await recordCaseOutcome(m.tx, {
    tenantId: m.by.tenantId,
    caseId: m.c.id,
    action: action as CaseOutcome['action'],
    at: m.now,
  });
  return { verdict, level: m.c.level, consensus: null };
}

/** Moves the case up: the old level's stage clock stops, the new one's starts; end-to-end runs on. */
async function escalate(m: Move, level: number, consensus: Consensus | null = null): Promise<Outcome> {
  const group = defaultGroup(m.config, level).name;
  const at = m.now.toISOString();
  const ev = (stage: number, kind: 'stop' | 'start') => ({
    tenant_id: m.by.tenantId,
    case_id: m.c.id,
    stage,
    kind,
    at,
    reason: null,
    actor: m.by.keyId,
  });
  await insertClockEvents(m.tx, [ev(m.c.level, 'stop'), ev(level, 'start')]);
  await raiseCaseLevel(m.tx, { tenantId: m.by.tenantId, caseId: m.c.id, level, group, at: m.now });
  return { verdict: 'held', level, consensus };
}

async function applyBlindReview(m: Move, input: DecisionInput, decisionId: string): Promise<Outcome> {
  const actions = await insertReview(m.tx, {
    tenantId: m.by.tenantId,
    caseId: m.c.id,
    keyId: m.by.keyId,
    decisionId,
    action: input.action,
    rule: m.c.matched_rule,
    at: m.now,
  });
  const consensus = consensusOf(actions, m.c.reviewers_required);
  if (consensus.state === 'pending') {
    await reopenForReview(m.tx, m.by.tenantId, m.c.id);
    return { verdict: 'held', level: m.c.level, consensus };
  }
  if (consensus.state === 'agreed') return { ...(await close(m, decisionId, consensus.action)), consensus };
  // Adjudication at the next level; at Level 3 the case stays there for a lead to decide.
  if (m.c.level >= 3) {
    await reopenForReview(m.tx, m.by.tenantId, m.c.id);
    return { verdict: 'held', level: m.c.level, consensus };
  }
  return escalate(m, m.c.level + 1, consensus);
}

async function checkReason(
  tx: Queryable,
  tenantId: string,
  policyReasons: readonly string[],
  reason: string | undefined,
): Promise<void> {
  if (reason === undefined) {
    throw new GatehouseError('invalid_request', 'a reject needs a reason', [
      { pointer: '/reason', detail: 'required: the case has no reason of its own' },
    ]);
  }
  if (policyReasons.includes(reason) || (await isRejectionReason(tx, tenantId, reason))) return;
  throw new GatehouseError(
    'invalid_request',
    `"${reason}" is neither a policy reason nor a rejection reason`,
    [{ pointer: '/reason', detail: 'unknown reason; see GET /v1/rejection-reasons' }],
  );
}

async function templateBody(tx: Queryable, tenantId: string, id: string): Promise<string> {
  const body = await findTemplateBody(tx, tenantId, id);
  if (body === undefined) {
    throw new GatehouseError('invalid_request', `no template ${id}`, [
      { pointer: '/template_id', detail: 'unknown template' },
    ]);
  }
  return body;
}

async function redactedOutput(tx: Queryable, tenantId: string, transactionId: string): Promise<string> {
  const { rows } = await tx.query<{ redacted_output: string }>(
    `select redacted_output from transactions where tenant_id = $1 and id = $2`,
    [tenantId, transactionId],
  );
  return rows[0]!.redacted_output;
}
