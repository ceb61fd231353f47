import type { Ctx } from '../../ctx.js';
import type { ScheduledTask } from '../../scheduler/index.js';
import { deleteCounterHitsBefore } from './queries.js';

// Kept beyond the longest window so a policy activated with a longer one finds some history.
const MIN_KEEP_MINUTES = 31 * 24 * 60;

/** The longest counter window of the policies in force, in minutes (at least 31 days). */
export function counterRetentionMinutes(ctx: Pick<Ctx, 'policies'>): number {
  const { primary, workflows } = ctx.policies.current();
  const windows = [primary, ...workflows.values()].flatMap((p) =>
    Object.values(p.doc.counters ?? {}).map((c) => c.window_minutes),
  );
  return Math.max(MIN_KEEP_MINUTES, ...windows);
}

/** Deletes counter hits older than every active counter's window; idempotent, safe on any process. */
export const pruneCounterHits: ScheduledTask = {
  name: 'routing.prune-counter-hits',
  everyMs: 10 * 60_000,
  async run(ctx) {
    const before = new Date(ctx.clock().getTime() - counterRetentionMinutes(ctx) * 60_000);
    await deleteCounterHitsBefore(ctx.db, before);
  },
};
