import type { ScheduledTask } from '../scheduler/index.js';
import { expireLeases } from './claim.js';

/** Every 15 s: return cases whose lease ran out to their queue (claims also do it for their tenant). */
export const leaseExpiryTask: ScheduledTask = {
  name: 'queue.lease-expiry',
  everyMs: 15_000,
  run: async (ctx) => {
    const now = ctx.clock();
    while ((await expireLeases(ctx.db, now)) === 500);
  },
};
