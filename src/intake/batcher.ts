/**
 * Group commit: concurrent callers' items are written together, one database transaction per
 * batch, and each caller is answered only after its batch committed. While a batch is in flight
 * new items gather for the next one, so batches grow exactly as load grows and a lone request
 * waits for nobody.
 */
export interface Batcher<I, O> {
  submit(item: I): Promise<O>;
  /** Resolves when every submitted item has been written or failed. */
  drain(): Promise<void>;
}

interface Pending<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

/**
 * `write` stores a batch in one transaction and returns one result per item, in order. When a batch
 * fails, each item is retried alone so one bad item (say, a duplicate idempotency key) fails only
 * its own caller. `concurrency` batches may be in flight at once (1 for a single connection).
 */
export function createBatcher<I, O>(opts: {
  write: (items: I[]) => Promise<O[]>;
  maxBatch?: number;
  concurrency?: number;
}): Batcher<I, O> {
  const maxBatch = opts.maxBatch ?? 256;
  const concurrency = opts.concurrency ?? 1;
  const queue: Pending<I, O>[] = [];
  let inFlight = 0;
  let idle: (() => void)[] = [];

  async function writeBatch(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await opts.write(batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const p of batch) {
        try {
          p.resolve((await opts.write([p.item]))[0]!);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }

  function pump(): void {
    while (inFlight < concurrency && queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      void writeBatch(batch).finally(() => {
        inFlight--;
        pump();
        if (inFlight === 0 && queue.length === 0) {
          for (const f of idle) f();
          idle = [];
        }
      });
    }
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        pump();
      });
    },
    drain() {
      if (inFlight === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
