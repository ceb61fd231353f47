import type { Queryable } from '../db/index.js';
import { buildAlertTable } from './alerts.js';
import {
  addCounts,
  addVector,
  emptyCounts,
  emptyVector,
  sumWindows,
  toCounts,
  windowRange,
  type Counts,
  type Dimension,
  type RollupRow,
  type WindowSpec,
  type WindowSums,
} from './counts.js';
import type { SloDefinition, SloSet } from './definition.js';
import { evaluateSlo, windowsFor, type SloFigures } from './evaluate.js';
import { countJudgeScores, selectAlerts, selectRollups, type AlertRow } from './queries.js';

/** Where one alert of an SLO stands, as stored by the evaluator. */
export interface AlertStateView {
  rule: string;
  state: 'ok' | 'firing';
  since: string;
  dedup_key: string;
}

/** A sub-SLO: the same SLO over one value of a split field. */
export interface SubSloStatus extends SloFigures {
  split: string;
  value: string;
  /** `<field>=<value>`: part of the alert dedup key. */
  sub: string;
  alert_state: AlertStateView[];
}

/** One SLO in `GET /v1/slo`: its definition, figures over its windows, and its sub-SLOs. */
export interface SloStatus extends SloFigures {
  name: string;
  category: SloDefinition['category'];
  description: string | null;
  objective: string | null;
  window: string;
  indicator: SloDefinition['indicator'];
  filter: SloDefinition['filter'];
  alerting: SloDefinition['alerting'];
  alert_state: AlertStateView[];
  subs: SubSloStatus[];
}

/** Every SLO of a tenant at `now`. */
export interface SloReport {
  generated_at: string;
  period_days: number;
  slos: SloStatus[];
}

type Sums = WindowSums;
type Selector = (d: Dimension) => boolean;

function matchesFilter(slo: SloDefinition, d: Dimension): boolean {
  return (
    (slo.filter.surface === undefined || d.surface === slo.filter.surface) &&
    (slo.filter.provider === undefined || d.provider === slo.filter.provider)
  );
}

// Selects dims for a split value: surface/provider read the all-cohorts rows, a cohort its own rows.
function selector(slo: SloDefinition, field?: string, value?: string): Selector {
  if (field === undefined) return (d) => d.cohort_key === '' && matchesFilter(slo, d);
  if (field === 'surface' || field === 'provider') {
    return (d) => d.cohort_key === '' && d[field] === value && matchesFilter(slo, d);
  }
  return (d) => d.cohort_key === field && d.cohort_value === value && matchesFilter(slo, d);
}

function splitValues(slo: SloDefinition, sums: Sums, field: string): string[] {
  const values = new Set<string>();
  for (const byDim of sums.values()) {
    for (const { dim } of byDim.values()) {
      if (!matchesFilter(slo, dim)) continue;
      const v =
        field === 'surface' || field === 'provider'
          ? dim.cohort_key === ''
            ? dim[field]
            : ''
          : dim.cohort_key === field
            ? dim.cohort_value
            : '';
      if (v !== '') values.add(v);
    }
  }
  return [...values].sort();
}

/** Reads the rollups (and judge scores) that `windows` need; one query per granularity. */
async function loadRows(
  q: Queryable,
  tenantId: string,
  now: Date,
  windows: Map<string, WindowSpec>,
): Promise<RollupRow[]> {
  const since = new Map<number, Date>();
  for (const w of windows.values()) {
    const { granularity, from } = windowRange(now, w);
    const prev = since.get(granularity);
    if (!prev || from < prev) since.set(granularity, from);
  }
  // One after another: `q` may be a transaction, whose one connection runs one query at a time.
  const rows: RollupRow[] = [];
  for (const [g, from] of since) rows.push(...(await selectRollups(q, tenantId, g, from)));
  return rows;
}

async function judgeCounts(
  q: Queryable,
  tenantId: string,
  now: Date,
  windows: Map<string, WindowSpec>,
): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  for (const [name, w] of windows) {
    // The same bucket-aligned span as the rollup windows, so judge and other SLOs agree.
    const { from, to } = windowRange(now, w);
    out.set(name, { ...emptyCounts(), ...(await countJudgeScores(q, tenantId, from, to)) });
  }
  return out;
}

function alertViews(rows: AlertRow[], slo: string, sub: string): AlertStateView[] {
  return rows
    .filter((r) => r.slo === slo && r.sub === sub)
    .map((r) => ({ rule: r.rule, state: r.state, since: r.since.toISOString(), dedup_key: r.dedup_key }));
}

/**
 * Every SLO of the set for a tenant at `now`, from the rollups: value, budget remaining, burn
 * rates, alert conditions, 7-day trend and sub-SLOs (the stored alert states alongside).
 */
export async function computeSloReport(
  q: Queryable,
  set: SloSet,
  tenantId: string,
  now: Date,
): Promise<SloReport> {
  const table = buildAlertTable(set.period_days);
  const windows = new Map<string, WindowSpec>();
  for (const slo of set.slos) for (const [k, v] of windowsFor(slo, table)) windows.set(k, v);
  const rows = await loadRows(q, tenantId, now, windows);
  const sums = sumWindows(rows, now, windows);
  const needsJudge = set.slos.some((s) => s.indicator.kind === 'ratio' && s.indicator.good === 'judge_high');
  const judge = needsJudge ? await judgeCounts(q, tenantId, now, windows) : new Map<string, Counts>();
  const alerts = await selectAlerts(q, tenantId);

  const getter = (slo: SloDefinition, pick: Selector, withJudge: boolean) => (window: string) => {
    const v = emptyVector();
    for (const { dim, counts } of sums.get(window)?.values() ?? []) if (pick(dim)) addVector(v, counts);
    const c = toCounts(v);
    return withJudge ? addCounts(c, judge.get(window) ?? emptyCounts()) : c;
  };
  const slos = set.slos.map((slo): SloStatus => {
    const isJudge = slo.indicator.kind === 'ratio' && slo.indicator.good === 'judge_high';
    const figures = evaluateSlo(slo, getter(slo, selector(slo), isJudge), table);
    // Judge scores carry no surface or cohort, so the judge SLO has no sub-SLOs.
    const subs = isJudge
      ? []
      : slo.split_by.flatMap((field) =>
          splitValues(slo, sums, field).map((value): SubSloStatus => {
            const sub = `${field}=${value}`;
            return {
              split: field,
              value,
              sub,
              ...evaluateSlo(slo, getter(slo, selector(slo, field, value), false), table),
              alert_state: alertViews(alerts, slo.name, sub),
            };
          }),
        );
    return {
      name: slo.name,
      category: slo.category,
      description: slo.description ?? null,
      objective: slo.objective ?? null,
      window: slo.window,
      indicator: slo.indicator,
      filter: slo.filter,
      alerting: slo.alerting,
      ...figures,
      alert_state: alertViews(alerts, slo.name, ''),
      subs,
    };
  });
  return { generated_at: now.toISOString(), period_days: set.period_days, slos };
}
