import { Decimal } from 'decimal.js';
import { GatehouseError } from '../errors.js';

/**
 * Decimal arithmetic for SLO math, private to this domain: 40 significant digits, half-even, so a
 * global `Decimal.set` elsewhere cannot change our results and `1 − 0.999` is exactly `0.001`.
 * Counts up to 2^53 times targets of a few digits fit with room to spare.
 */
export const SloDecimal = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN });

/** An SLO target: a plain decimal ratio string in (0, 1], e.g. `'0.999'`; `'99.9%'` is rejected. */
export type SloTarget = string;

const PLAIN_DECIMAL = /^(?:\d+(?:\.\d+)?|\.\d+)$/;

/** An `invalid_request` error for bad SLO input; shared by this domain's pure modules. */
export function invalid(detail: string): GatehouseError {
  return new GatehouseError('invalid_request', detail);
}

/** Parses an SLO target string into an exact Decimal in (0, 1]; throws `invalid_request` otherwise. */
export function parseTarget(target: SloTarget): Decimal {
  // JSON or YAML may hand us a number; refusing it keeps one spelling and no float round-trip.
  if (typeof target !== 'string') {
    throw invalid(`SLO target must be a decimal string such as '0.999', got ${typeof target}`);
  }
  if (/%\s*$/.test(target)) {
    throw invalid(
      `SLO target '${target}' is a percentage; give the ratio as a decimal string such as '0.999'`,
    );
  }
  if (!PLAIN_DECIMAL.test(target)) {
    throw invalid(`SLO target '${target}' is not a plain decimal string such as '0.999'`);
  }
  const t = new SloDecimal(target);
  if (t.lte(0) || t.gt(1)) {
    throw invalid(`SLO target '${target}' is outside (0, 1]; a ratio such as '0.999' is expected`);
  }
  return t;
}

// Counts must be finite, ≥ 0 and bad ≤ total. Fractional counts are allowed because Prometheus
// `increase()` extrapolates over its window and rarely returns whole numbers.
function assertEventCounts(badEvents: number, totalEvents: number): void {
  for (const [name, v] of [
    ['bad events', badEvents],
    ['total events', totalEvents],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw invalid(`${name} must be a finite number ≥ 0, got ${String(v)}`);
    }
  }
  if (badEvents > totalEvents) {
    throw invalid(`bad events (${badEvents}) exceed total events (${totalEvents})`);
  }
}

/**
 * The error budget in events for `totalEvents`: (1 − T) × total, exact. Zero when total is 0 or
 * the target is 1 (a 100 % target allows no bad event at all).
 */
export function errorBudget(target: SloTarget, totalEvents: number): Decimal {
  const t = parseTarget(target);
  assertEventCounts(0, totalEvents);
  return new SloDecimal(1).minus(t).times(totalEvents);
}

/**
 * How fast bad events spend the budget: (bad / total) / (1 − T); 1 spends it exactly over the
 * period, 14.4 spends a 30-day budget in 50 hours. Conventions: total 0 → 0 (no traffic spends
 * nothing); target 1 → 0 with no bad events and +Infinity with any (there is no budget to spend).
 *
 * Worked vector: 420 bad of 80,000 at 0.995 → 0.00525 / 0.005 = 1.05 exactly. The seed article
 * prints 1.575 for these inputs, which is wrong: 1.575 would need 630 bad events (0.007875 / 0.005),
 * and its Python (dividing again by the window's share of the period) would return 756. The burn
 * rate needs no window term — the error ratio is already measured over the window.
 */
export function burnRate(badEvents: number, totalEvents: number, target: SloTarget): Decimal {
  const t = parseTarget(target);
  assertEventCounts(badEvents, totalEvents);
  if (totalEvents === 0 || badEvents === 0) return new SloDecimal(0);
  const allowed = new SloDecimal(1).minus(t);
  if (allowed.isZero()) return new SloDecimal(Infinity);
  return new SloDecimal(badEvents).div(totalEvents).div(allowed);
}

/**
 * The share of the error budget spent: bad / ((1 − T) × total), unclamped (above 1 = overspent).
 * Numerically the burn rate of the same counts — over a whole period, average burn is spend — so it
 * shares `burnRate`'s conventions: total 0 → 0; target 1 → 0, or +Infinity with any bad event.
 */
export function budgetConsumed(badEvents: number, totalEvents: number, target: SloTarget): Decimal {
  return burnRate(badEvents, totalEvents, target);
}

/**
 * The share of the error budget left: 1 − bad / ((1 − T) × total), UNCLAMPED, so an overspent
 * budget reads negative (−0.2 = spent 120 %). Total 0 → 1; target 1 → 1, or −Infinity with any
 * bad event.
 */
export function budgetRemaining(badEvents: number, totalEvents: number, target: SloTarget): Decimal {
  return new SloDecimal(1).minus(budgetConsumed(badEvents, totalEvents, target));
}
