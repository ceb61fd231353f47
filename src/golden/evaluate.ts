import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import type { ScheduledTask } from '../scheduler/index.js';
import { matchesGolden } from './match.js';
import {
  insertGoldenRun,
  selectGoldenOutcomes,
  selectStaleGoldenSets,
  selectUnknownTransactions,
  upsertGoldenItems,
} from './queries.js';

/** Golden answers for recorded transactions: accuracy = released output equals the answer. */
export interface GoldenUpload {
  items: { transaction_id: string; expected_output: string }[];
}

/** Uploads (adds or replaces) items of a golden set, with its audit entry. */
export async function uploadGoldenSet(
  ctx: Ctx,
  by: Principal,
  set: string,
  input: GoldenUpload,
): Promise<{ set: string; written: number }> {
  const at = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    const unknown = await selectUnknownTransactions(
      tx,
      by.tenantId,
      input.items.map((i) => i.transaction_id),
    );
    if (unknown.length > 0) {
      const index = input.items.findIndex((i) => i.transaction_id === unknown[0]);
      throw new GatehouseError('not_found', `no transaction ${unknown[0]}`, [
        { pointer: `/items/${index}/transaction_id`, detail: 'no such transaction' },
      ]);
    }
    const written = await upsertGoldenItems(tx, by.tenantId, set, input.items, at);
    await appendAudit(tx, [
      { tenantId: by.tenantId, kind: 'golden.uploaded', actor: by.keyId, at, body: { set, items: written } },
    ]);
    return { set, written };
  });
}

/** One evaluation of a golden set. */
export interface GoldenRun {
  id: string;
  set: string;
  evaluated_at: string;
  items: number;
  matched: number;
  accuracy: number | null;
  /** Items whose released output differs (or was never released). */
  mismatches: string[];
}

/** Evaluates a golden set against what was released, now; stores the run with its audit entry. */
export async function evaluateGoldenSet(
  ctx: Ctx,
  tenantId: string,
  actor: string,
  set: string,
): Promise<GoldenRun> {
  const at = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    const outcomes = await selectGoldenOutcomes(tx, tenantId, set);
    if (outcomes.length === 0) throw new GatehouseError('not_found', `no golden set '${set}'`);
    const mismatches = outcomes
      .filter((o) => !matchesGolden(o.expected_output, o.released_output))
      .map((o) => o.transaction_id);
    const run = {
      tenant_id: tenantId,
      id: uuidv7(),
      set_name: set,
      evaluated_at: at,
      items: outcomes.length,
      matched: outcomes.length - mismatches.length,
    };
    await insertGoldenRun(tx, run);
    await appendAudit(tx, [
      {
        tenantId,
        kind: 'golden.evaluated',
        actor,
        at,
        body: { run_id: run.id, set, items: run.items, matched: run.matched },
      },
    ]);
    return {
      id: run.id,
      set,
      evaluated_at: at.toISOString(),
      items: run.items,
      matched: run.matched,
      accuracy: run.matched / run.items,
      mismatches,
    };
  });
}

/** Evaluates every golden set not evaluated in the last 24 h (the scheduled path; idempotent per day). */
export async function evaluateStaleGoldenSets(ctx: Ctx): Promise<void> {
  const since = new Date(ctx.clock().getTime() - 86_400_000);
  for (const s of await selectStaleGoldenSets(ctx.db, since))
    await evaluateGoldenSet(ctx, s.tenant_id, 'system', s.set_name);
}

/** The scheduled golden-set evaluation: checks hourly, evaluates each set once a day. */
export const goldenTask: ScheduledTask = {
  name: 'golden.evaluate',
  everyMs: 3_600_000,
  run: evaluateStaleGoldenSets,
};
