import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { loadCard, type CaseCard } from './card.js';
import { queueConfigOf } from './config-of.js';
import { principalGroups } from './membership.js';
import { claimAssigned, claimFromGroups, countHeldByGroup, reopenExpired } from './queries.js';

export type { CaseCard } from './card.js';

/**
 * Claims the caller's next case with a lease (stream mode): first a case assigned to them, then
 * the most urgent case of the groups they work and are under their cap in — risk class after
 * bumps, then deadline, never arrival order. `SKIP LOCKED` lets any number of reviewers and
 * processes claim at once without two ever getting the same case. Expired leases return first.
 * Undefined when nothing waits; `claim_limit` when every group's cap is reached.
 */
export async function claimNextCase(ctx: Ctx, by: Principal): Promise<CaseCard | undefined> {
  const now = ctx.clock();
  const leaseUntil = new Date(now.getTime() + ctx.config.leaseSeconds * 1000);
  const config = queueConfigOf(ctx.policy());
  return ctx.db.transaction(async (tx) => {
    await expireLeases(tx, now, by.tenantId);
    const groups = await principalGroups(tx, config, by);
    const p = { tenantId: by.tenantId, keyId: by.keyId, now, leaseUntil };
    let claimed = await claimAssigned(tx, p);
    if (!claimed) {
      // Only capped groups need the count; most policies cap none or few.
      const capped = groups.some((g) => g.max_claims_per_reviewer !== undefined);
      const held = capped ? await countHeldByGroup(tx, by.tenantId, by.keyId) : new Map<string, number>();
      const underCap = groups.filter(
        (g) => g.max_claims_per_reviewer === undefined || (held.get(g.name) ?? 0) < g.max_claims_per_reviewer,
      );
      if (underCap.length === 0) {
        throw new GatehouseError(
          'claim_limit',
          'you hold as many cases as your groups allow; decide or release one',
        );
      }
      claimed = await claimFromGroups(tx, { ...p, groups: underCap.map((g) => g.name) });
    }
    if (!claimed) return undefined;
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'case.claimed',
        transactionId: claimed.transaction_id,
        caseId: claimed.id,
        actor: by.keyId,
        at: now,
        body: { group: claimed.group_name, level: claimed.level, lease_expires_at: leaseUntil.toISOString() },
      },
    ]);
    return loadCard(tx, config, by, claimed, now);
  });
}

/** Returns cases whose lease ran out to the queue (at most 500 a call), audited; returns how many. */
export async function expireLeases(
  tx: Parameters<typeof reopenExpired>[0],
  now: Date,
  tenantId?: string,
): Promise<number> {
  const rows = await reopenExpired(tx, now, 500, tenantId);
  await appendAudit(
    tx,
    rows.map((r) => ({
      tenantId: r.tenant_id,
      kind: 'case.lease_expired',
      transactionId: r.transaction_id,
      caseId: r.id,
      actor: 'system',
      at: now,
      body: { held_by: r.claimed_by },
    })),
  );
  return rows.length;
}
