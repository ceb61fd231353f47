import type { Db } from '../db/index.js';

/** The NOTIFY channel on which a changed verdict is announced as `<tenant>:<transaction id>`. */
export const VERDICT_CHANNEL = 'gatehouse_verdicts';

/** Wakes long-polls in this process when any process changes a verdict. */
export interface VerdictHub {
  /** `changed` resolves true when the transaction's verdict changes, false after `ms` or on cancel. */
  wait(
    tenantId: string,
    transactionId: string,
    ms: number,
  ): { changed: Promise<boolean>; cancel: () => void };
  close(): Promise<void>;
}

/** Subscribes once to the verdict channel; each waiter is a timer and a map entry, never a polling loop. */
export async function createVerdictHub(db: Db): Promise<VerdictHub> {
  const waiters = new Map<string, Set<() => void>>();
  const unlisten = await db.listen(VERDICT_CHANNEL, (payload) => {
    const set = waiters.get(payload);
    if (!set) return;
    waiters.delete(payload);
    for (const wake of set) wake();
  });
  return {
    wait(tenantId, transactionId, ms) {
      const key = `${tenantId}:${transactionId}`;
      let cancel = (): void => undefined;
      const changed = new Promise<boolean>((resolve) => {
        const set = waiters.get(key) ?? new Set();
        waiters.set(key, set);
        const stop = (): void => {
          clearTimeout(timer);
          set.delete(wake);
          if (set.size === 0 && waiters.get(key) === set) waiters.delete(key);
          resolve(false);
        };
        const timer = setTimeout(stop, ms);
        function wake(): void {
          clearTimeout(timer);
          resolve(true);
        }
        set.add(wake);
        cancel = stop;
      });
      return { changed, cancel };
    },
    async close() {
      await unlisten();
      for (const set of waiters.values()) for (const wake of set) wake();
      waiters.clear();
    },
  };
}
