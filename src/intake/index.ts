import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { findTransaction } from './queries.js';
import type { TransactionView } from './schema.js';
import { present } from './view.js';

export { createBatcher, type Batcher } from './batcher.js';
export { acceptTransaction, writeIntakes, type PreparedIntake } from './intake.js';
export { tenantHashKey } from './queries.js';
export { TransactionInput, TransactionView } from './schema.js';
export { createVerdictHub, VERDICT_CHANNEL, type VerdictHub } from './verdicts.js';

/**
 * Shows a transaction's current verdict. With `waitSeconds` > 0 and the verdict `held`, waits
 * (long-poll, woken by NOTIFY from whichever process decides) until it changes or time runs out.
 */
export async function getTransaction(
  ctx: Ctx,
  by: Principal,
  id: string,
  waitSeconds = 0,
): Promise<TransactionView> {
  const deadline = Date.now() + Math.min(waitSeconds, ctx.config.maxWaitSeconds) * 1000;
  for (;;) {
    const remaining = deadline - Date.now();
    // Subscribe before reading, so a decision landing between the read and the wait still wakes us.
    const waiter = remaining > 0 ? ctx.verdicts.wait(by.tenantId, id, remaining) : undefined;
    const row = await findTransaction(ctx.db, by.tenantId, id).catch((err: unknown) => {
      waiter?.cancel();
      throw err;
    });
    if (!row) {
      waiter?.cancel();
      throw new GatehouseError('not_found', `no transaction ${id}`);
    }
    if (row.verdict !== 'held' || !waiter) {
      waiter?.cancel();
      return present(row);
    }
    // Woken or timed out, read again: the loop ends on a decided verdict or at the deadline.
    await waiter.changed;
  }
}
