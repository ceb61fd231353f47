import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { GatehouseError } from '../errors.js';
import { VERDICT_CHANNEL } from '../intake/index.js';
import type { Principal } from '../keys/index.js';
import { recordCaseOutcome } from '../routing/index.js';
import { editRatio } from './edit-ratio.js';
import { closeCase, insertDecision, raiseCaseLevel } from './queries.js';

/** What a reviewer decided about a case they hold. */
export interface DecisionInput {
  caseId: string;
  action: 'approve' | 'edit' | 'reject' | 'escalate';
  /** The corrected output; required for `edit`. */
  output?: string;
  rationale?: string;
  reason?: string;
}

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
}

/** Locks the case and checks the caller may decide it now; throws the matching catalogue error. */
async function lockHeldCase(
  tx: Queryable,
  by: Principal,
  input: DecisionInput,
  now: Date,
): Promise<HeldCase> {
  const { rows } = await tx.query<HeldCase>(
    `select c.transaction_id, c.status, c.level, c.claimed_by, c.claimed_at, c.lease_expires_at, t.redacted_output
     from cases c join transactions t on t.tenant_id = c.tenant_id and t.id = c.transaction_id
     where c.tenant_id = $1 and c.id = $2 for update of c`,
    [by.tenantId, input.caseId],
  );
  const held = rows[0];
  if (!held) throw new GatehouseError('not_found', `no case ${input.caseId}`);
  if (held.status === 'closed')
    throw new GatehouseError('case_closed', `case ${input.caseId} is already decided`);
  if (held.status !== 'claimed' || held.claimed_by !== by.keyId) {
    throw new GatehouseError('case_not_held', `claim case ${input.caseId} first (POST /v1/review/next)`);
  }
  if (held.lease_expires_at && new Date(held.lease_expires_at) < now) {
    throw new GatehouseError('lease_expired', `your lease on case ${input.caseId} expired; claim it again`);
  }
  if (input.action === 'escalate' && held.level >= 3) {
    throw new GatehouseError('escalation_limit', 'the case is at Level 3 (incident) already', [
      { pointer: '/action', detail: 'cannot escalate above Level 3' },
    ]);
  }
  return held;
}

interface HeldCase {
  transaction_id: string;
  status: string;
  level: number;
  claimed_by: string | null;
  claimed_at: Date | null;
  lease_expires_at: Date | null;
  redacted_output: string;
}

/**
 * Records a decision on a case the caller holds, in one transaction with its audit entry:
 * approve/edit release the (edited) output, reject blocks it, escalate hands the case to the next
 * level without resetting its SLA clock. Wakes long-polls on the transaction through NOTIFY.
 */
export async function recordDecision(ctx: Ctx, by: Principal, input: DecisionInput): Promise<Decision> {
  if (input.action === 'edit' && input.output === undefined) {
    throw new GatehouseError('invalid_request', 'an edit needs the corrected output', [
      { pointer: '/output', detail: 'required when action is "edit"' },
    ]);
  }
  const now = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    const held = await lockHeldCase(tx, by, input, now);
    const timeSpent = now.getTime() - new Date(held.claimed_at ?? now).getTime();
    const ratio = input.action === 'edit' ? editRatio(held.redacted_output, input.output!) : null;
    const decisionId = uuidv7();
    let verdict: Decision['verdict'] = 'held';
    const level = input.action === 'escalate' ? held.level + 1 : held.level;
    if (input.action === 'escalate') {
      await raiseCaseLevel(tx, by.tenantId, input.caseId, level);
    } else {
      verdict = input.action === 'reject' ? 'blocked' : 'released';
      const released = verdict === 'released' ? (input.output ?? held.redacted_output) : null;
      const target = { tenantId: by.tenantId, caseId: input.caseId, transactionId: held.transaction_id };
      await closeCase(tx, { ...target, action: input.action, verdict, released, at: now });
      await recordCaseOutcome(tx, { ...target, action: input.action, at: now });
    }
    await insertDecision(tx, {
      tenant_id: by.tenantId,
      id: decisionId,
      case_id: input.caseId,
      action: input.action,
      reviewer_key_id: by.keyId,
      output: input.output ?? null,
      rationale: input.rationale ?? null,
      reason: input.reason ?? null,
      edit_ratio: ratio,
      time_spent_ms: timeSpent,
      decided_at: now,
    });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'case.decided',
        transactionId: held.transaction_id,
        caseId: input.caseId,
        actor: by.keyId,
        at: now,
        body: {
          decision_id: decisionId,
          ...input,
          verdict,
          level,
          edit_ratio: ratio,
          time_spent_ms: timeSpent,
        },
      },
    ]);
    if (verdict !== 'held')
      await tx.query('select pg_notify($1, $2)', [VERDICT_CHANNEL, `${by.tenantId}:${held.transaction_id}`]);
    return {
      id: decisionId,
      case_id: input.caseId,
      transaction_id: held.transaction_id,
      action: input.action,
      verdict,
      level,
      edit_ratio: ratio,
      time_spent_ms: timeSpent,
      decided_at: now.toISOString(),
    };
  });
}
