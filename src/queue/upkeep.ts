import type { Ctx } from '../ctx.js';
import type { ScheduledTask } from '../scheduler/index.js';

/**
 * Whether the cases table has churned enough to vacuum: 5,000 dead rows, or 1 % of the live ones
 * on a large table, whichever is more. Every claim leaves its case's old entry dead at the head of
 * the claim index, where the next claim's scan walks over it until a vacuum removes it (about 1
 * index page per hundred claims, per claim); a vacuum costs a pass over every index of the table,
 * so it waits for enough dead rows to pay for itself.
 */
export function queueNeedsVacuum(dead: number, live: number): boolean {
  return dead >= Math.max(5_000, live * 0.01);
}

/**
 * Every 5 s on the leader: vacuums `cases` when claims and decisions have left enough dead rows.
 * Autovacuum looks at a table at most once a minute (and may be off), while a queue working
 * thousands of claims a second loses a fifth of its rate within 20 s to the dead entries it
 * walks. `SKIP_LOCKED`: an autovacuum already at work on the table is left to finish. The
 * embedded store serves one process at a human pace and is left to itself.
 */
export const queueVacuumTask: ScheduledTask = {
  name: 'queue.vacuum',
  everyMs: 5_000,
  leaderOnly: true,
  run: async (ctx: Ctx) => {
    if (ctx.db.kind !== 'postgres') return;
    const { rows } = await ctx.db.query<{ dead: number; live: number }>(
      `select n_dead_tup::int as dead, n_live_tup::int as live from pg_stat_user_tables
       where relid = 'cases'::regclass`,
    );
    const t = rows[0];
    if (t && queueNeedsVacuum(t.dead, t.live)) await ctx.db.query('vacuum (skip_locked) cases');
  },
};
