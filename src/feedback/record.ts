import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { insertFeedback, insertRating, selectTransactionVerdict } from './queries.js';

/** Implicit feedback kinds (seed 3's implicit signal), plus a safety incident on a released output. */
export const FEEDBACK_KINDS = [
  'accepted',
  'regenerated',
  'abandoned',
  'handed_off',
  'safety_incident',
] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** What a client reports about one transaction's output. */
export interface FeedbackInput {
  transaction_id: string;
  kind: FeedbackKind;
  detail?: string;
}

/** A stored feedback or rating. */
export interface Recorded {
  id: string;
  transaction_id: string;
  at: string;
}

async function requireTransaction(
  tx: Parameters<typeof selectTransactionVerdict>[0],
  by: Principal,
  id: string,
) {
  const verdict = await selectTransactionVerdict(tx, by.tenantId, id);
  if (!verdict) {
    throw new GatehouseError('not_found', `no transaction ${id}`, [
      { pointer: '/transaction_id', detail: 'no such transaction' },
    ]);
  }
  return verdict;
}

/**
 * Records implicit feedback on a transaction with its audit entry. A safety incident may only be
 * reported on a released output: it counts a violation that reached production.
 */
export async function recordFeedback(ctx: Ctx, by: Principal, input: FeedbackInput): Promise<Recorded> {
  const at = ctx.clock();
  const id = uuidv7();
  await ctx.db.transaction(async (tx) => {
    const verdict = await requireTransaction(tx, by, input.transaction_id);
    if (input.kind === 'safety_incident' && verdict !== 'released') {
      throw new GatehouseError(
        'not_released',
        `transaction ${input.transaction_id} is ${verdict}, not released`,
        [{ pointer: '/transaction_id', detail: 'a safety incident is reported on a released output' }],
      );
    }
    await insertFeedback(tx, {
      tenant_id: by.tenantId,
      id,
      ...input,
      detail: input.detail ?? null,
      actor: by.keyId,
      at,
    });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: `feedback.${input.kind}`,
        transactionId: input.transaction_id,
        actor: by.keyId,
        at,
        body: { feedback_id: id, ...input },
      },
    ]);
  });
  ctx.metrics.feedback.inc({ kind: input.kind });
  return { id, transaction_id: input.transaction_id, at: at.toISOString() };
}

/** A human rater's score of one output: 1..5, 4 or 5 = useful. */
export interface RatingInput {
  transaction_id: string;
  score: number;
  comment?: string;
}

/** Records a human rating with its audit entry. */
export async function recordRating(ctx: Ctx, by: Principal, input: RatingInput): Promise<Recorded> {
  const at = ctx.clock();
  const id = uuidv7();
  await ctx.db.transaction(async (tx) => {
    await requireTransaction(tx, by, input.transaction_id);
    await insertRating(tx, {
      tenant_id: by.tenantId,
      id,
      ...input,
      comment: input.comment ?? null,
      rater_key_id: by.keyId,
      at,
    });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'rating.recorded',
        transactionId: input.transaction_id,
        actor: by.keyId,
        at,
        body: { rating_id: id, ...input },
      },
    ]);
  });
  ctx.metrics.ratings.inc({ useful: input.score >= 4 ? 'true' : 'false' });
  return { id, transaction_id: input.transaction_id, at: at.toISOString() };
}
