import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { loadCard, type CaseCard } from './card/card.js';
import { queueConfigOf } from './config-of.js';
import { principalGroups } from './groups/membership.js';
import {
  claimCase,
  claimCaseBatch,
  countHeldByGroup,
  reopenExpired,
  type CaseState,
  type ClaimRequest,
} from './queries.js';

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
  const [, groups] = await Promise.all([
    expireLeases(ctx.db, now, by.tenantId),
    principalGroups(ctx.db, config, by),
  ]);
  // Only capped groups need the count; most policies cap none or few.
  const capped = groups.some((g) => g.max_claims_per_reviewer !== undefined);
  const held = capped ? await countHeldByGroup(ctx.db, by.tenantId, by.keyId) : new Map<string, number>();
  const underCap = groups.filter(
    (g) => g.max_claims_per_reviewer === undefined || (held.get(g.name) ?? 0) < g.max_claims_per_reviewer,
  );
  const claimed = await ctx.claims.submit({
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

/**
 * Claims for many reviewers at once (`ctx.claims` gathers the claims that arrive while one is in
 * flight): requests that share a tenant and groups go in one `batchClaimSql` statement, a key at
 * most once per statement; a key's second request goes in the next statement, after the first.
 * Each gets the case it would have got claiming alone, one after another in arrival order.
 * A request left empty by a statement that did claim something (the locked cases ran out for it,
 * or another claimer held the rest) is claimed again alone, so a batch never reports an empty
 * queue that a lone claim would not.
 */
export async function claimCases(q: Queryable, reqs: ClaimRequest[]): Promise<(CaseState | undefined)[]> {
  // Per tenant and groups, the statements in order; each holds a key at most once.
  const chains = new Map<string, { keys: Set<string>; at: number[] }[]>();
  reqs.forEach((r, i) => {
    const sig = JSON.stringify([r.tenantId, r.groups]);
    const chain = chains.get(sig) ?? [];
    chains.set(sig, chain);
    let st = chain.find((s) => !s.keys.has(r.keyId));
    if (!st) chain.push((st = { keys: new Set(), at: [] }));
    st.keys.add(r.keyId);
    st.at.push(i);
  });
  const results: (CaseState | undefined)[] = new Array(reqs.length);
  await Promise.all(
    [...chains.values()].map(async (chain) => {
      for (const st of chain) {
        const mine = st.at.map((i) => reqs[i]!);
        const got = mine.length === 1 ? [await claimCase(q, mine[0]!)] : await claimCaseBatch(q, mine);
        const anyClaimed = got.some((c) => c !== undefined);
        for (const [j, i] of st.at.entries()) {
          results[i] = got[j] ?? (anyClaimed ? await claimCase(q, mine[j]!) : undefined);
        }
      }
    }),
  );
  return results;
}
