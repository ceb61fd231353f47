import type { Ctx } from '../ctx.js';
import { electLeader } from './leader.js';

/**
 * One kind of time-based work. `run` does one idempotent unit of it with `ctx.clock()` as now; it
 * may run again after a crash or on another process, so it guards itself (unique keys, advisory
 * locks), never by remembering in memory what it did.
 */
export interface ScheduledTask {
  name: string;
  /** How often the scheduler calls `run`. */
  everyMs: number;
  /** Run on one process at a time, the leader (PostgreSQL advisory lock); default false: every process. */
  leaderOnly?: boolean;
  run(ctx: Ctx): Promise<void>;
}

/** A running scheduler; `stop` waits for the runs in flight. */
export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Calls each task every `everyMs`, never two runs of one task at once; leader-only tasks only while
 * this process holds the scheduler lock. A failing run is logged and retried at the next interval.
 */
export function startScheduler(ctx: Ctx, tasks: readonly ScheduledTask[]): Scheduler {
  let stopped = false;
  const leadership = electLeader(ctx.db);
  const inFlight = new Set<Promise<void>>();
  const timers = tasks.map((task) => {
    let busy = false;
    return setInterval(() => {
      if (busy || stopped) return;
      busy = true;
      const p = (task.leaderOnly ? leadership.isLeader() : Promise.resolve(true))
        .then((lead) => (lead && !stopped ? task.run(ctx) : undefined))
        .catch((err: unknown) =>
          ctx.log.error('scheduled task failed', { task: task.name, error: String(err) }),
        )
        .finally(() => {
          busy = false;
          inFlight.delete(p);
        });
      inFlight.add(p);
    }, task.everyMs);
  });
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.all(inFlight);
      await leadership.release();
    },
  };
}

/** Runs every task once, in order: what tests call after advancing a fake clock. */
export async function runTasksOnce(ctx: Ctx, tasks: readonly ScheduledTask[]): Promise<void> {
  for (const task of tasks) await task.run(ctx);
}
