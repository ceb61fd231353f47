import { createHash } from 'node:crypto';
import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { enqueueNotification } from '../notify/outbox.js';
import type { EscalationPolicy } from './config.js';
import { escalationPolicy } from './policy.js';
import { onShift } from './shifts.js';

/** A decision as escalation sees it, inside the decision's transaction. */
export interface DecidedCase {
  tenantId: string;
  caseId: string;
  transactionId: string;
  decisionId: string;
  action: string;
  verdict: 'released' | 'held' | 'blocked';
  editRatio: number | null;
  actor: string;
  at: Date;
}

/**
 * What escalation does when a reviewer decides, in the decision's own transaction: seed 1's
 * "edits > 30 % → quality flag, sample to SME", and the workflow's "transaction decided" callback.
 */
export async function onCaseDecided(tx: Queryable, ctx: Pick<Ctx, 'policy'>, d: DecidedCase): Promise<void> {
  const policy = escalationPolicy(ctx);
  await flagEditQuality(tx, policy, d);
  if (d.verdict !== 'held') await notifyTransactionDecided(tx, policy, d);
}

/** Deterministic sampling: the same decision is always in or out, on every process. */
function sampled(id: string, rate: number): boolean {
  if (rate >= 1) return true;
  return createHash('sha256').update(id).digest().readUInt32BE(0) / 2 ** 32 < rate;
}

async function flagEditQuality(tx: Queryable, policy: EscalationPolicy, d: DecidedCase): Promise<void> {
  const rule = policy.edit_quality;
  if (!rule || d.editRatio === null || d.editRatio <= rule.edit_ratio_over) return;
  const isSampled = sampled(d.decisionId, rule.sample_rate);
  await tx.query(
    `insert into quality_flags (tenant_id, decision_id, case_id, edit_ratio, sampled, to_group, flagged_at)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
    [d.tenantId, d.decisionId, d.caseId, d.editRatio, isSampled, rule.to_group, d.at],
  );
  await appendAudit(tx, [
    {
      tenantId: d.tenantId,
      kind: 'case.quality_flagged',
      transactionId: d.transactionId,
      caseId: d.caseId,
      actor: 'system',
      at: d.at,
      body: {
        decision_id: d.decisionId,
        edit_ratio: d.editRatio,
        over: rule.edit_ratio_over,
        sampled: isSampled,
        to_group: rule.to_group,
      },
    },
  ]);
  if (!isSampled) return;
  const group = policy.groups[rule.to_group];
  await enqueueNotification(tx, {
    tenantId: d.tenantId,
    channels: policy.notify.sme,
    type: 'quality.sample',
    orderKey: `case:${d.caseId}`,
    at: d.at,
    data: {
      case_id: d.caseId,
      transaction_id: d.transactionId,
      decision_id: d.decisionId,
      edit_ratio: d.editRatio,
      group: rule.to_group,
      recipients: [...onShift(group, 'lead', d.at), ...onShift(group, 'member', d.at)],
    },
  });
}

/**
 * Tells the workflow's callback channel (`notifications.callbacks.<workflow>`) that a held
 * transaction was decided, inside the decision's transaction; no callback configured: nothing.
 */
export async function notifyTransactionDecided(
  tx: Queryable,
  policy: EscalationPolicy,
  d: Pick<DecidedCase, 'tenantId' | 'caseId' | 'transactionId' | 'verdict' | 'action' | 'at'>,
): Promise<void> {
  if (Object.keys(policy.callbacks).length === 0) return;
  const { rows } = await tx.query<{ workflow: string | null }>(
    `select workflow from transactions where tenant_id = $1 and id = $2`,
    [d.tenantId, d.transactionId],
  );
  const workflow = rows[0]?.workflow;
  const channel = workflow ? policy.callbacks[workflow] : undefined;
  if (!channel) return;
  await enqueueNotification(tx, {
    tenantId: d.tenantId,
    channels: [channel],
    type: 'transaction.decided',
    orderKey: `case:${d.caseId}`,
    at: d.at,
    data: {
      transaction_id: d.transactionId,
      case_id: d.caseId,
      workflow,
      verdict: d.verdict,
      action: d.action,
    },
  });
}
