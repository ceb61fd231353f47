import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { loadCard, type CaseCard } from './card/card.js';
import { queueConfigOf } from './config-of.js';
import { principalGroups } from './groups/membership.js';
import { claimCase, countHeldByGroup, reopenExpired } from './queries.js';

export type { CaseCard } from './card/card.js';

/**
 * Claims the caller's next case with a lease (stream mode): first a case assigned to them, then
 * the most urgent case they have the skills for in the groups they work and are under their cap
 * in — risk class after bumps, then deadline, never arrival order. `SKIP LOCKED` lets any number
 * of reviewers and processes claim at once without two ever getting the same case. Expired leases
 * return first. The claim and its audit entry commit in one statement; the card is read after it.
 * Undefined when nothing waits; `claim_limit` when every group's cap is reached and none is assigned.
 */
export async function claimNextCase(ctx: Ctx, by: Principal): Promise<CaseCard | undefined> {
  const now = ctx.clock();
  const leaseUntil = new Date(now.getTime() + ctx.config.leaseSeconds * 1000);
  const config = queueConfigOf(ctx.policy());
  await expireLeases(ctx.db, now, by.tenantId);
  const groups = await principalGroups(ctx.db, config, by);
  // Only capped groups need the count; most policies cap none or few.
  const capped = groups.some((g) => g.max_claims_per_reviewer !== undefined);
  const held = capped ? await countHeldByGroup(ctx.db, by.tenantId, by.keyId) : new Map<string, number>();
  const underCap = groups.filter(
    (g) => g.max_claims_per_reviewer === undefined || (held.get(g.name) ?? 0) < g.max_claims_per_reviewer,
  );
  const claimed = await claimCase(ctx.db, {
    tenantId: by.tenantId,
    keyId: by.keyId,
    now,
    leaseUntil,
    groups: underCap.map((g) => ({ name: g.name, skills: g.memberSkills })),
  });
  if (!claimed && underCap.length === 0) {
    throw new GatehouseError(
      'claim_limit',
      'you hold as many cases as your groups allow; decide or release one',
    );
  }
  return claimed && loadCard(ctx.db, config, by, claimed, now);
}

/** Returns cases whose lease ran out to the queue (at most 500 a call), audited; returns how many. */
export function expireLeases(q: Queryable, now: Date, tenantId?: string): Promise<number> {
  return reopenExpired(q, now, 500, tenantId);
}
