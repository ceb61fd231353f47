import type { Decimal } from 'decimal.js';
import { SloDecimal, invalid, burnRate, parseTarget, type SloTarget } from './error-budget.js';

// Multi-window, multi-burn-rate alerting: The Site Reliability Workbook (Beyer et al., 2018),
// ch. 5 "Alerting on SLOs", §6 "Multiwindow, Multi-Burn-Rate Alerts", as Sloth generates it.

/** An exact non-negative rational, reduced, `den > 0`; factors like 28/30 are not finite decimals. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

/** One row of a burn-rate table as written: windows in minutes, factor relative to a 30-day period. */
export interface AlertRule {
  /** Stable id, part of the dedup key. */
  name: string;
  severity: 'page' | 'ticket' | 'digest';
  /** True when firing should trigger the automatic rollback hook (the seed's "kill switch"). */
  auto_rollback: boolean;
  long_minutes: number;
  short_minutes: number;
  /** Burn-rate factor for a 30-day period, as a decimal string ('14.4'). */
  factor_30d: string;
}

const DAY_MINUTES = 24 * 60;
const BASE_PERIOD_MINUTES = 30 * DAY_MINUTES;

/**
 * The seed's four rows (SRE workbook ch. 5 factors, 30-day period). Budget share each one spends
 * before firing: 2 %, 5 %, 10 %, 23.3 % (7/30). The digest row's short window is 6 h: the seed
 * leaves it blank, and Sloth pairs its slowest factor-1 alert (3 d long) with 6 h. The workbook's
 * 1/12 rule would give 14 h; the short window only decides how soon an alert resolves once the
 * burn stops, so the shorter 6 h resolves a recovered SLO about 8 h sooner.
 */
export const DEFAULT_ALERT_RULES: readonly Readonly<AlertRule>[] = Object.freeze(
  (
    [
      {
        name: 'rollback',
        severity: 'page',
        auto_rollback: true,
        long_minutes: 60,
        short_minutes: 5,
        factor_30d: '14.4',
      },
      {
        name: 'page',
        severity: 'page',
        auto_rollback: false,
        long_minutes: 360,
        short_minutes: 30,
        factor_30d: '6',
      },
      {
        name: 'ticket',
        severity: 'ticket',
        auto_rollback: false,
        long_minutes: 1440,
        short_minutes: 120,
        factor_30d: '3',
      },
      {
        name: 'digest',
        severity: 'digest',
        auto_rollback: false,
        long_minutes: 10080,
        short_minutes: 360,
        factor_30d: '1',
      },
    ] satisfies AlertRule[]
  ).map((rule) => Object.freeze(rule)),
);

/** A rule scaled to an SLO period: the exact factor for that period and the budget share it means. */
export interface AlertThreshold extends Omit<AlertRule, 'factor_30d'> {
  period_days: number;
  /** Burn rate both windows must exceed, for this period. */
  factor: Fraction;
  /** Share of the period's budget spent in the long window at exactly `factor`. */
  budget_share: Fraction;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function reduce(num: bigint, den: bigint): Fraction {
  const g = gcd(num, den);
  return g === 0n ? { num: 0n, den: 1n } : { num: num / g, den: den / g };
}

/** A fraction as a Decimal, rounded to 40 significant digits when it does not terminate (14/15). */
export function fractionToDecimal(f: Fraction): Decimal {
  return new SloDecimal(f.num.toString()).div(f.den.toString());
}

function positiveInteger(v: number, what: string): void {
  if (!Number.isSafeInteger(v) || v <= 0) throw invalid(`${what} must be a positive integer, got ${v}`);
}

function scaleRule(rule: AlertRule, periodMinutes: number): { factor: Fraction; budget_share: Fraction } {
  positiveInteger(rule.long_minutes, `${rule.name}: long_minutes`);
  positiveInteger(rule.short_minutes, `${rule.name}: short_minutes`);
  if (rule.short_minutes >= rule.long_minutes || rule.long_minutes > periodMinutes) {
    throw invalid(`${rule.name}: windows must satisfy short < long ≤ period`);
  }
  if (!/^\d+(?:\.\d+)?$/.test(rule.factor_30d) || new SloDecimal(rule.factor_30d).lte(0)) {
    throw invalid(`${rule.name}: factor_30d must be a positive decimal string, got '${rule.factor_30d}'`);
  }
  const [n, d] = new SloDecimal(rule.factor_30d).toFraction();
  const f = { num: BigInt(n!.toFixed()), den: BigInt(d!.toFixed()) };
  // The budget share is the invariant: share = factor₃₀ × long / 30 d, then factor = share × period / long.
  const share = reduce(f.num * BigInt(rule.long_minutes), f.den * BigInt(BASE_PERIOD_MINUTES));
  const factor = reduce(share.num * BigInt(periodMinutes), share.den * BigInt(rule.long_minutes));
  return { factor, budget_share: share };
}

/**
 * Scales burn-rate rules (default `DEFAULT_ALERT_RULES`) to an SLO period of `periodDays` (default
 * 30): factor = (budget share × period) / long window, exact. 30 d → 14.4 / 6 / 3 / 1; 28 d →
 * 13.44 / 5.6 / 2.8 / 14/15.
 */
export function buildAlertTable(
  periodDays = 30,
  rules: readonly AlertRule[] = DEFAULT_ALERT_RULES,
): AlertThreshold[] {
  positiveInteger(periodDays, 'period_days');
  return rules.map((rule) => {
    const { factor_30d: _, ...rest } = rule;
    return { ...rest, period_days: periodDays, ...scaleRule(rule, periodDays * DAY_MINUTES) };
  });
}

/** Bad and total events observed over the trailing `window_minutes`. */
export interface WindowCounts {
  window_minutes: number;
  bad: number;
  total: number;
}

/** One table row evaluated: both burn rates and whether the alert condition holds. */
export interface AlertEvaluation {
  name: string;
  severity: AlertRule['severity'];
  auto_rollback: boolean;
  factor: Fraction;
  long_burn: Decimal;
  short_burn: Decimal;
  firing: boolean;
}

// burn > factor ⇔ bad × den > num × total × (1 − T), compared exactly with no division; it also
// gives total 0 → never and target 1 → any bad event, matching burnRate's conventions.
function exceeds(w: WindowCounts, allowed: Decimal, f: Fraction): boolean {
  const lhs = new SloDecimal(w.bad).times(f.den.toString());
  return lhs.gt(new SloDecimal(f.num.toString()).times(w.total).times(allowed));
}

function findWindow(windows: readonly WindowCounts[], minutes: number, rule: string): WindowCounts {
  const found = windows.filter((w) => w.window_minutes === minutes);
  if (found.length !== 1) {
    throw invalid(`${rule}: expected exactly one ${minutes}-minute window, got ${found.length}`);
  }
  return found[0]!;
}

/**
 * Evaluates each row of `table` (default: 30-day `buildAlertTable()`) against windowed counts:
 * fires only when BOTH the long and the short window burn strictly faster than the factor.
 * Every long and short window the table names must appear exactly once in `windows`.
 */
export function evaluateAlerts(
  windows: readonly WindowCounts[],
  target: SloTarget,
  table: readonly AlertThreshold[] = buildAlertTable(),
): AlertEvaluation[] {
  const allowed = new SloDecimal(1).minus(parseTarget(target));
  return table.map((row) => {
    const long = findWindow(windows, row.long_minutes, row.name);
    const short = findWindow(windows, row.short_minutes, row.name);
    return {
      name: row.name,
      severity: row.severity,
      auto_rollback: row.auto_rollback,
      factor: row.factor,
      long_burn: burnRate(long.bad, long.total, target),
      short_burn: burnRate(short.bad, short.total, target),
      // burnRate above has already validated both windows' counts (properties evaluate in order).
      firing: exceeds(long, allowed, row.factor) && exceeds(short, allowed, row.factor),
    };
  });
}

/** Where one alert stands: `since` is when it entered `state`. */
export interface AlertState {
  state: 'ok' | 'firing';
  since: Date;
}

/** The next state, plus `changed`: true exactly when a fire or resolve notification is due. */
export interface AlertTransition extends AlertState {
  changed: boolean;
}

/**
 * Pure alert state machine: ok → firing when the evaluation fires, firing → ok when it stops;
 * otherwise the state and its `since` carry over with `changed: false`, so re-evaluating never
 * re-notifies. No previous state (`null`) counts as ok since `now`.
 */
export function nextAlertState(
  prev: AlertState | null,
  evaluation: Pick<AlertEvaluation, 'firing'>,
  now: Date,
): AlertTransition {
  const current = prev ?? { state: 'ok', since: now };
  const state = evaluation.firing ? 'firing' : 'ok';
  if (state === current.state) return { state, since: current.since, changed: false };
  return { state, since: now, changed: true };
}

/**
 * The dedup key for one SLO's alert rule: the same for its fire and its resolve (PagerDuty
 * `dedup_key` semantics), so a notifier can collapse repeats and close the right incident.
 */
export function alertDedupKey(sloName: string, ruleName: string): string {
  return `gatehouse/slo/${encodeURIComponent(sloName)}/${encodeURIComponent(ruleName)}`;
}
