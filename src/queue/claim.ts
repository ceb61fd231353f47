import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import type { Principal, Role } from '../keys/index.js';

/** Which escalation level each role works: L1 reviewers, L2 SMEs, L3 leads (incidents). */
const LEVEL_OF_ROLE: Partial<Record<Role, number>> = { reviewer: 1, sme: 2, lead: 3 };

/** What a reviewer sees on one screen: the case, and its transaction already redacted. */
export interface CaseCard {
  case: {
    id: string;
    status: string;
    level: number;
    risk_class: string;
    reason: string | null;
    entered_at: string;
    due_at: string;
    time_left_ms: number;
    lease_expires_at: string | null;
  };
  transaction: {
    id: string;
    workflow: string | null;
    prompt: unknown;
    output: string;
    gates: unknown;
    matched_rules: string[];
    metadata: unknown;
    policy_version: string;
  };
}

interface ClaimedRow {
  id: string;
  transaction_id: string;
  status: string;
  level: number;
  risk_class: string;
  reason: string | null;
  entered_at: Date;
  due_at: Date;
  lease_expires_at: Date | null;
}

/** The levels a principal may work, highest first. */
export function levelsFor(p: Principal): number[] {
  return [...new Set(p.roles.map((r) => LEVEL_OF_ROLE[r]).filter((l): l is number => l !== undefined))].sort(
    (a, b) => b - a,
  );
}

/**
 * Claims the caller's next case with a lease: highest level they work first, then risk class, then
 * deadline — never arrival order. `SKIP LOCKED` lets any number of reviewers and processes claim at
 * once without two ever getting the same case. Cases whose lease ran out go back to the queue first.
 */
export async function claimNextCase(ctx: Ctx, by: Principal): Promise<CaseCard | undefined> {
  const now = ctx.clock();
  const leaseUntil = new Date(now.getTime() + ctx.config.leaseSeconds * 1000);
  return ctx.db.transaction(async (tx) => {
    await reopenExpiredLeases(tx, by.tenantId, now);
    for (const level of levelsFor(by)) {
      const { rows } = await tx.query<ClaimedRow>(
        `update cases c
         set status = 'claimed', claimed_by = $3, claimed_at = $4, lease_expires_at = $5,
             first_action_at = coalesce(c.first_action_at, $4)
         where c.tenant_id = $1 and c.id = (
           select id from cases
           where tenant_id = $1 and level = $2 and status = 'open'
           order by risk_rank, due_at, id
           limit 1 for update skip locked)
         returning c.id, c.transaction_id, c.status, c.level, c.risk_class, c.reason, c.entered_at, c.due_at,
                   c.lease_expires_at`,
        [by.tenantId, level, by.keyId, now, leaseUntil],
      );
      const claimed = rows[0];
      if (!claimed) continue;
      await appendAudit(tx, [
        {
          tenantId: by.tenantId,
          kind: 'case.claimed',
          transactionId: claimed.transaction_id,
          caseId: claimed.id,
          actor: by.keyId,
          at: now,
          body: { level, lease_expires_at: leaseUntil.toISOString() },
        },
      ]);
      return loadCard(tx, by.tenantId, claimed, now);
    }
    return undefined;
  });
}

async function reopenExpiredLeases(tx: Queryable, tenantId: string, now: Date): Promise<void> {
  const { rows } = await tx.query<{ id: string; transaction_id: string }>(
    `update cases c set status = 'open', claimed_by = null, claimed_at = null, lease_expires_at = null
     where c.tenant_id = $1 and c.id in (
       select id from cases where tenant_id = $1 and status = 'claimed' and lease_expires_at < $2
       limit 100 for update skip locked)
     returning c.id, c.transaction_id`,
    [tenantId, now],
  );
  await appendAudit(
    tx,
    rows.map((r) => ({
      tenantId,
      kind: 'case.lease_expired',
      transactionId: r.transaction_id,
      caseId: r.id,
      actor: 'system',
      at: now,
      body: {},
    })),
  );
}

async function loadCard(tx: Queryable, tenantId: string, c: ClaimedRow, now: Date): Promise<CaseCard> {
  const { rows } = await tx.query<{
    workflow: string | null;
    redacted_prompt: unknown;
    redacted_output: string;
    gates: unknown;
    matched_rules: string[];
    metadata: unknown;
    policy_version: string;
  }>(
    `select workflow, redacted_prompt, redacted_output, gates, matched_rules, metadata, policy_version
     from transactions where tenant_id = $1 and id = $2`,
    [tenantId, c.transaction_id],
  );
  const t = rows[0]!;
  const dueAt = new Date(c.due_at);
  return {
    case: {
      id: c.id,
      status: c.status,
      level: c.level,
      risk_class: c.risk_class,
      reason: c.reason,
      entered_at: new Date(c.entered_at).toISOString(),
      due_at: dueAt.toISOString(),
      time_left_ms: dueAt.getTime() - now.getTime(),
      lease_expires_at: c.lease_expires_at ? new Date(c.lease_expires_at).toISOString() : null,
    },
    transaction: {
      id: c.transaction_id,
      workflow: t.workflow,
      prompt: t.redacted_prompt,
      output: t.redacted_output,
      gates: t.gates,
      matched_rules: t.matched_rules,
      metadata: t.metadata,
      policy_version: t.policy_version,
    },
  };
}
