import { evaluateAlerts, fractionToDecimal, type AlertThreshold } from './alerts.js';
import { binomialTest } from './binomial.js';
import type { Counts, WindowSpec } from './counts.js';
import { durationMinutes, type SloDefinition } from './definition.js';
import { budgetRemaining, burnRate } from './error-budget.js';
import { countAbove, countAtOrBelow, quantile, type HistogramSignal } from './signals.js';

/** Good and total events of an SLO in some counts; `bad` may be fractional for tail SLOs. */
export interface Events {
  good: number;
  total: number;
}

/** Good/total events for a budget SLO (any indicator but drift). */
export function sloEvents(slo: SloDefinition, c: Counts): Events {
  const ind = slo.indicator;
  switch (ind.kind) {
    case 'threshold': {
      const h = c.hist[ind.signal];
      return { good: countAtOrBelow(ind.signal, h, ind.le), total: sum(h) };
    }
    case 'tail': {
      const h = c.hist[ind.signal];
      const median = quantile(ind.signal, h, 0.5);
      const total = sum(h);
      return {
        good: median === null ? total : total - countAbove(ind.signal, h, ind.multiple * median),
        total,
      };
    }
    case 'ratio':
      switch (ind.good) {
        case 'success':
          return { good: c.requests - c.failures, total: c.requests };
        case 'not_refused':
          return { good: c.requests - c.refusals, total: c.requests };
        case 'accepted':
          return { good: c.accepted, total: c.feedback };
        case 'judge_high':
          return { good: c.judge_high, total: c.judged };
        case 'human_useful':
          return { good: c.useful, total: c.rated };
      }
    // falls through: drift has no events
    case 'drift':
      return { good: 0, total: 0 };
  }
}

function sum(h: readonly number[]): number {
  return h.reduce((a, b) => a + b, 0);
}

/** A drift SLO's statistic over some counts; null without events. */
export function driftStatistic(slo: SloDefinition, c: Counts): number | null {
  if (slo.indicator.kind !== 'drift') return null;
  if (slo.indicator.statistic === 'refusal_rate') return c.requests === 0 ? null : c.refusals / c.requests;
  return quantile('cost_usd', c.hist.cost_usd, 0.5);
}

/** The windows (by name) an SLO's evaluation reads. */
export function windowsFor(slo: SloDefinition, table: readonly AlertThreshold[]): Map<string, WindowSpec> {
  const w = new Map<string, WindowSpec>();
  const add = (minutes: number, offset = 0) =>
    w.set(windowName(minutes, offset), { minutes, offset_minutes: offset });
  const own = durationMinutes(slo.window);
  add(own);
  add(10080);
  add(10080, 10080);
  if (slo.indicator.kind === 'drift') add(durationMinutes(slo.indicator.baseline), own);
  if (slo.alerting === 'burn_rate') {
    for (const r of table) {
      add(r.long_minutes);
      add(r.short_minutes);
    }
  }
  return w;
}

/** The key of a window in `sumWindows` results. */
export function windowName(minutes: number, offset = 0): string {
  return `${minutes}@${offset}`;
}

/** A duration in minutes as `5m`, `6h` or `7d`. */
export function formatMinutes(m: number): string {
  return m % 1440 === 0 ? `${m / 1440}d` : m % 60 === 0 ? `${m / 60}h` : `${m}m`;
}

/** One SLO (or sub-SLO) evaluated. */
export interface SloFigures {
  status: 'ok' | 'breach' | 'no_data';
  /** Good-event ratio over the SLO window (drift: the statistic now). */
  ratio: number | null;
  /** For threshold SLOs: the objective's quantile (p95 when the objective is 0.95), in the signal's unit. */
  quantile: number | null;
  events: Events;
  budget_remaining: number | null;
  /** Ratio over the last 7 days and the 7 before, and which way it moved. */
  trend: { current: number | null; previous: number | null; direction: 'up' | 'down' | 'flat' | null };
  burn_rates: Record<string, number>;
  alerts: { rule: string; severity: string; auto_rollback: boolean; factor: number; firing: boolean }[];
  significance?: { p_value: number; critical_k: number; verdict: string };
  drift?: { current: number | null; baseline: number | null; change: number | null; max_change: number };
}

const ratioOf = (e: Events) => (e.total === 0 ? null : e.good / e.total);

/** Evaluates one SLO from per-window counts (`get` returns empty counts for an unseen window). */
export function evaluateSlo(
  slo: SloDefinition,
  get: (window: string) => Counts,
  table: readonly AlertThreshold[],
): SloFigures {
  const own = get(windowName(durationMinutes(slo.window)));
  const ind = slo.indicator;
  if (ind.kind === 'drift') return evaluateDrift(slo, own, get);
  const events = sloEvents(slo, own);
  const target = slo.objective!;
  const bad = events.total - events.good;
  const cur = ratioOf(sloEvents(slo, get(windowName(10080))));
  const prev = ratioOf(sloEvents(slo, get(windowName(10080, 10080))));
  const figures: SloFigures = {
    status: events.total === 0 ? 'no_data' : 'ok',
    ratio: ratioOf(events),
    quantile:
      ind.kind === 'threshold'
        ? quantile(ind.signal as HistogramSignal, own.hist[ind.signal], Number(target))
        : null,
    events,
    budget_remaining: events.total === 0 ? null : budgetRemaining(bad, events.total, target).toNumber(),
    trend: { current: cur, previous: prev, direction: direction(cur, prev) },
    burn_rates: {},
    alerts: [],
  };
  if (slo.alerting === 'burn_rate') {
    const windows = new Set(table.flatMap((r) => [r.long_minutes, r.short_minutes]));
    const counts = [...windows].map((m) => {
      const e = sloEvents(slo, get(windowName(m)));
      figures.burn_rates[formatMinutes(m)] = burnRate(e.total - e.good, e.total, target).toNumber();
      return { window_minutes: m, bad: e.total - e.good, total: e.total };
    });
    figures.alerts = evaluateAlerts(counts, target, table).map((a) => ({
      rule: a.name,
      severity: a.severity,
      auto_rollback: a.auto_rollback,
      factor: fractionToDecimal(a.factor).toNumber(),
      firing: a.firing,
    }));
    if (events.total > 0 && (figures.budget_remaining ?? 1) < 0) figures.status = 'breach';
  } else if (slo.alerting === 'significance') {
    const r = binomialTest({
      passes: Math.round(events.good),
      total: Math.round(events.total),
      target,
      alpha: slo.alpha,
      minSamples: slo.min_samples,
    });
    figures.significance = { p_value: r.p_value, critical_k: r.critical_k, verdict: r.verdict };
    figures.alerts = [
      { rule: 'significance', severity: 'page', auto_rollback: false, factor: slo.alpha, firing: r.breach },
    ];
    if (r.breach) figures.status = 'breach';
  } else if (events.total > 0 && (figures.budget_remaining ?? 1) < 0) figures.status = 'breach';
  return figures;
}

function evaluateDrift(slo: SloDefinition, own: Counts, get: (window: string) => Counts): SloFigures {
  if (slo.indicator.kind !== 'drift') throw new Error('not a drift SLO');
  const ind = slo.indicator;
  const current = driftStatistic(slo, own);
  const baseline = driftStatistic(
    slo,
    get(windowName(durationMinutes(ind.baseline), durationMinutes(slo.window))),
  );
  let change: number | null = null;
  if (current !== null && baseline !== null) {
    change = ind.change === 'absolute' ? current - baseline : baseline === 0 ? null : current / baseline - 1;
  }
  const cur = driftStatistic(slo, get(windowName(10080)));
  const prev = driftStatistic(slo, get(windowName(10080, 10080)));
  return {
    status: change === null ? 'no_data' : Math.abs(change) > ind.max_change ? 'breach' : 'ok',
    ratio: current,
    quantile: null,
    events: { good: 0, total: 0 },
    budget_remaining: null,
    trend: { current: cur, previous: prev, direction: direction(cur, prev) },
    burn_rates: {},
    alerts: [],
    drift: { current, baseline, change, max_change: ind.max_change },
  };
}

function direction(cur: number | null, prev: number | null): 'up' | 'down' | 'flat' | null {
  if (cur === null || prev === null) return null;
  if (Math.abs(cur - prev) < 1e-9) return 'flat';
  return cur > prev ? 'up' : 'down';
}
