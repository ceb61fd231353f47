import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { bothClocks, caseClock } from './clock/clock.js';
import { queueConfigOf } from './config-of.js';
import { requireHeld } from './held.js';
import { lockCase } from './lease.js';
import { requireGroup } from './groups/membership.js';
import { insertClockEvents, listClockEvents, updateCase } from './queries.js';

/** Where a paused or resumed case's clock stands. */
export interface PauseResult {
  case_id: string;
  status: 'paused' | 'open';
  due_at: string;
  original_due_at: string;
}

/**
 * Pauses a held case while waiting for information from outside (`reason` required): it leaves the
 * queue and both its clocks stop counting until `resumeCase`.
 */
export async function pauseCase(
  ctx: Ctx,
  by: Principal,
  caseId: string,
  reason: string,
): Promise<PauseResult> {
  if (!reason.trim()) {
    throw new GatehouseError('invalid_request', 'a pause needs a reason', [
      { pointer: '/reason', detail: 'required' },
    ]);
  }
  const now = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    const c = await lockCase(tx, by, caseId);
    requireHeld(c, by.keyId, now);
    await insertClockEvents(
      tx,
      bothClocks({ tenantId: by.tenantId, caseId, level: c.level }, 'pause', now, by.keyId, reason),
    );
    await updateCase(tx, by.tenantId, caseId, {
      status: 'paused',
      paused_by: by.keyId,
      claimed_by: null,
      claimed_at: null,
      lease_expires_at: null,
    });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'case.paused',
        transactionId: c.transaction_id,
        caseId,
        actor: by.keyId,
        at: now,
        body: { reason },
      },
    ]);
    return {
      case_id: caseId,
      status: 'paused',
      due_at: iso(c.due_at),
      original_due_at: iso(c.original_due_at ?? c.due_at),
    };
  });
}

/**
 * Resumes a paused case: its clocks count again, its due time moves later by the business time it
 * was paused (the original due time is kept), and it returns to the queue assigned to whoever paused it.
 */
export async function resumeCase(ctx: Ctx, by: Principal, caseId: string): Promise<PauseResult> {
  const now = ctx.clock();
  const config = queueConfigOf(ctx.policy());
  return ctx.db.transaction(async (tx) => {
    const c = await lockCase(tx, by, caseId);
    if (c.status !== 'paused') throw new GatehouseError('case_state', `case ${caseId} is not paused`);
    if (c.paused_by !== by.keyId) await requireGroup(tx, config, by, c.group_name);
    await insertClockEvents(
      tx,
      bothClocks({ tenantId: by.tenantId, caseId, level: c.level }, 'resume', now, by.keyId),
    );
    const clock = caseClock(config, c, await listClockEvents(tx, by.tenantId, caseId), now);
    const due = clock.due_at!;
    await updateCase(tx, by.tenantId, caseId, {
      status: 'open',
      due_at: due,
      assigned_to: c.paused_by,
      paused_by: null,
    });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'case.resumed',
        transactionId: c.transaction_id,
        caseId,
        actor: by.keyId,
        at: now,
        body: { due_at: due.toISOString(), paused_minutes: clock.paused_minutes },
      },
    ]);
    return {
      case_id: caseId,
      status: 'open',
      due_at: due.toISOString(),
      original_due_at: iso(c.original_due_at ?? c.due_at),
    };
  });
}

function iso(d: Date | string): string {
  return new Date(d).toISOString();
}
