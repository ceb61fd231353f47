import type { Ctx } from '../ctx.js';

/**
 * One kind of time-based work. `run` does one idempotent unit of it with `ctx.clock()` as now; it
 * may run again after a crash or on another process, so it guards itself (unique keys, advisory
 * locks), never by remembering in memory what it did.
 */
export interface ScheduledTask {
  name: string;
  /** How often the scheduler calls `run`. */
  everyMs: number;
  run(ctx: Ctx): Promise<void>;
}

/** A running scheduler; `stop` waits for the runs in flight. */
export interface Scheduler {
  stop(): Promise<void>;
}

/**
 * Calls each task every `everyMs`, never two runs of one task at once. A failing run is logged and
 * retried at the next interval.
 */
export function startScheduler(ctx: Ctx, tasks: readonly ScheduledTask[]): Scheduler {
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const timers = tasks.map((task) => {
    let busy = false;
    return setInterval(() => {
      if (busy || stopped) return;
      busy = true;
      const p = task
        .run(ctx)
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
    },
  };
}

/** Runs every task once, in order: what tests call after advancing a fake clock. */
export async function runTasksOnce(ctx: Ctx, tasks: readonly ScheduledTask[]): Promise<void> {
  for (const task of tasks) await task.run(ctx);
}
