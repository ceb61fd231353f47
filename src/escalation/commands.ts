import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { acknowledgeCase, listFirings } from './queries.js';

/**
 * Acknowledges a case's escalation (PagerDuty semantics): pending repeats are dropped and none are
 * scheduled again; rungs not yet reached still fire. Audited. `not_found` when the case has no ladder.
 */
export async function acknowledgeEscalation(ctx: Ctx, by: Principal, caseId: string): Promise<void> {
  const at = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    if (!(await acknowledgeCase(tx, { tenantId: by.tenantId, caseId, by: by.keyId, at }))) {
      throw new GatehouseError('not_found', `no escalating case ${caseId}`);
    }
    await appendAudit(tx, [
      { tenantId: by.tenantId, kind: 'case.escalation_acknowledged', caseId, actor: by.keyId, at, body: {} },
    ]);
  });
}

/** The steps a case has fired, in order, with their lateness (fired − due). */
export async function listCaseEscalations(
  ctx: Ctx,
  by: Principal,
  caseId: string,
): Promise<{ step: string; repeat_n: number; due_at: string; fired_at: string; actions: string[] }[]> {
  return (await listFirings(ctx.db, by.tenantId, caseId)).map((f) => ({
    ...f,
    due_at: new Date(f.due_at).toISOString(),
    fired_at: new Date(f.fired_at).toISOString(),
  }));
}
