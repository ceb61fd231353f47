import { createHash } from 'node:crypto';

/**
 * Whether a transaction is in the judge's sample: the first 32 bits of SHA-256 of its id, as a
 * fraction of 2³², fall below `rate`. Deterministic, so every process (and a retry) agrees.
 */
export function isSampled(transactionId: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const head = createHash('sha256').update(transactionId).digest().readUInt32BE(0);
  return head / 2 ** 32 < rate;
}
