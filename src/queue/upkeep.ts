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
 * Whether any other table has enough dead rows to vacuum: autovacuum's own default threshold (50
 * rows plus a fifth of the live ones). Only `cases` is walked by every claim; the rest (verdicts set
 * on `transactions`, leaf indexes set on `audit_entries`) just must not bloat without bound.
 */
export function needsVacuum(dead: number, live: number): boolean {
  return dead >= 50 + live * 0.2;
}

/**
 * Whether a table's planner statistics are stale: rows changed since its last ANALYZE reach 10 %
 * of the live ones (autovacuum's own default), and at least 1,000.
 */
export function needsAnalyze(modified: number, live: number): boolean {
  return modified >= Math.max(1_000, live * 0.1);
}

/**
 * Every 5 s on the leader: vacuums `cases` when claims and decisions have left enough dead rows,
 * any other of Gatehouse's tables at autovacuum's thresholds, and analyzes each table whose
 * statistics went stale. Autovacuum looks at a table at most once a minute, and may be off (as on
 * the machines this was built on). Then nothing removes the dead entries a busy queue walks over
 * (a fifth of its rate lost within 20 s), nothing stops the other tables bloating, and the
 * planner keeps believing that tables created empty are still empty: the card's history then read
 * all of a tenant's decisions for every past case it showed. `SKIP_LOCKED`: an autovacuum already
 * at work on a table is left to finish. The embedded store serves one process at a human pace and
 * is left to itself.
 */
export const queueUpkeepTask: ScheduledTask = {
  name: 'queue.upkeep',
  everyMs: 5_000,
  leaderOnly: true,
  run: async (ctx: Ctx) => {
    if (ctx.db.kind !== 'postgres') return;
    const { rows } = await ctx.db.query<{ name: string; dead: number; live: number; modified: number }>(
      `select relname as name, n_dead_tup::int as dead, n_live_tup::int as live,
         n_mod_since_analyze::int as modified
       from pg_stat_user_tables where schemaname = current_schema()`,
    );
    for (const t of rows) {
      const name = `"${t.name.replaceAll('"', '""')}"`;
      const vacuum = t.name === 'cases' ? queueNeedsVacuum(t.dead, t.live) : needsVacuum(t.dead, t.live);
      const analyze = needsAnalyze(t.modified, t.live);
      // A table that needs both gets them in one statement, as autovacuum would.
      if (vacuum) await ctx.db.query(`vacuum (skip_locked${analyze ? ', analyze' : ''}) ${name}`);
      else if (analyze) await ctx.db.query(`analyze (skip_locked) ${name}`);
    }
  },
};
