import { GatehouseError } from '../errors.js';
import type { CaseState } from './queries.js';

/**
 * Throws unless `keyId` holds the case with a live lease at `now`: `case_closed` for a decided case,
 * `case_not_held` when someone else (or nobody) holds it, `lease_expired` when the lease ran out. Pure.
 */
export function requireHeld(c: CaseState, keyId: string, now: Date): void {
  if (c.status === 'closed') throw new GatehouseError('case_closed', `case ${c.id} is already decided`);
  if (c.status !== 'claimed' || c.claimed_by !== keyId) {
    throw new GatehouseError('case_not_held', `claim case ${c.id} first (POST /v1/review/next)`);
  }
  if (c.lease_expires_at && new Date(c.lease_expires_at) < now) {
    throw new GatehouseError('lease_expired', `your lease on case ${c.id} expired; claim it again`);
  }
}
