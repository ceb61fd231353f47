import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { requireHeld } from './held.js';
import { findCase, updateCase, type CaseState } from './queries.js';

/** A case's lease after a heartbeat. */
export interface Lease {
  case_id: string;
  lease_expires_at: string;
}

/** Reads (and by default locks) a case of the caller's tenant for a command; `not_found` when there is none. */
export async function lockCase(
  tx: Parameters<typeof findCase>[0],
  by: Principal,
  caseId: string,
  lock = true,
): Promise<CaseState> {
  const c = await findCase(tx, by.tenantId, caseId, lock);
  if (!c) throw new GatehouseError('not_found', `no case ${caseId}`);
  return c;
}

/** Heartbeat: extends the caller's live lease by the configured lease time from now. */
export async function extendLease(ctx: Ctx, by: Principal, caseId: string): Promise<Lease> {
  const now = ctx.clock();
  const until = new Date(now.getTime() + ctx.config.leaseSeconds * 1000);
  return ctx.db.transaction(async (tx) => {
    const c = await lockCase(tx, by, caseId);
    requireHeld(c, by.keyId, now);
    await updateCase(tx, by.tenantId, caseId, { lease_expires_at: until });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'case.lease_extended',
        transactionId: c.transaction_id,
        caseId,
        actor: by.keyId,
        at: now,
        body: { lease_expires_at: until.toISOString() },
      },
    ]);
    return { case_id: caseId, lease_expires_at: until.toISOString() };
  });
}

/** Hands a held case back to its group's queue undecided; the SLA clock runs on. */
export async function releaseCase(ctx: Ctx, by: Principal, caseId: string, note?: string): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const c = await lockCase(tx, by, caseId);
    requireHeld(c, by.keyId, now);
    await updateCase(tx, by.tenantId, caseId, {
      status: 'open',
      claimed_by: null,
      claimed_at: null,
      lease_expires_at: null,
      // An assignment to the caller ends when they give the case back.
      assigned_to: c.assigned_to === by.keyId ? null : c.assigned_to,
    });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'case.released',
        transactionId: c.transaction_id,
        caseId,
        actor: by.keyId,
        at: now,
        body: { note: note ?? null },
      },
    ]);
  });
}
