import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { Queryable } from '../db/index.js';
import { TAT_BOUNDS_S } from '../slo/rollup-sql.js';
import { BUCKET_BOUNDS, HISTOGRAM_SIGNALS, type HistogramSignal } from '../slo/signals.js';
import { BucketHistogram } from './bucket-histogram.js';
import { selectQueueGauges } from './queries.js';

/** Every metric name starts with this (DESIGN "Contract"). */
export const PREFIX = 'gatehouse_';

/** Exported name, help and unit divisor of each SLO histogram signal. */
export const SIGNAL_METRICS: Record<HistogramSignal, { name: string; help: string; divisor: number }> = {
  ttft_ms: { name: 'llm_ttft_seconds', help: 'Time to first token of LLM transactions', divisor: 1000 },
  latency_ms: { name: 'llm_total_seconds', help: 'Total wall-clock of LLM transactions', divisor: 1000 },
  turn_ms: {
    name: 'llm_turn_seconds',
    help: 'Mean turn latency of multi-turn LLM transactions',
    divisor: 1000,
  },
  failover_ms: {
    name: 'llm_failover_seconds',
    help: 'Failover latency of LLM transactions that failed over',
    divisor: 1000,
  },
  cost_usd: { name: 'llm_cost_usd', help: 'Cost per LLM transaction in US dollars', divisor: 1 },
};

/** One aggregated rollup group, as the SLO rollup hands it to /metrics after committing. */
export interface RollupGroup {
  surface: string;
  provider: string;
  /** '' for SLO signal rows; `gate:<gate>:<outcome>` or `tat:<risk class>:<bucket>` for metric-only rows. */
  metric_key: string;
  metric_count: number;
  metric_sum: number;
  requests: number;
  failures: number;
  hist: Record<HistogramSignal, number[]>;
  sums: Record<HistogramSignal, number>;
}

/** This process's metrics, held in `ctx` (never a module singleton) so each server has its own. */
export interface Metrics {
  registry: Registry;
  /** Counts a committed rollup batch: request outcomes, signal histograms, gate outcomes. */
  recordRollup(groups: readonly RollupGroup[]): void;
  feedback: Counter<'kind'>;
  ratings: Counter<'useful'>;
}

/** Creates a registry with every Gatehouse metric; queue gauges read `db` at scrape time. */
export function createMetrics(db: Queryable, clock: () => Date): Metrics {
  const registry = new Registry();
  const signals = Object.fromEntries(
    HISTOGRAM_SIGNALS.map((s) => {
      const m = SIGNAL_METRICS[s];
      const h = new BucketHistogram(
        PREFIX + m.name,
        m.help,
        BUCKET_BOUNDS[s].map((b) => b / m.divisor),
      );
      registry.registerMetric(h as unknown as Metric);
      return [s, h];
    }),
  ) as Record<HistogramSignal, BucketHistogram>;
  const reviewTat = new BucketHistogram(
    `${PREFIX}review_tat_seconds`,
    'Review turnaround (case entered → closed, wall clock) by risk class',
    TAT_BOUNDS_S,
  );
  registry.registerMetric(reviewTat as unknown as Metric);
  const requests = new Counter({
    name: `${PREFIX}llm_requests_total`,
    help: 'LLM transactions by outcome (failure when telemetry.success is false)',
    labelNames: ['surface', 'provider', 'outcome'],
    registers: [registry],
  });
  const gates = new Counter({
    name: `${PREFIX}gate_outcomes_total`,
    help: 'Gate results by gate and outcome',
    labelNames: ['gate', 'outcome'],
    registers: [registry],
  });
  const depth = new Gauge({
    name: `${PREFIX}queue_depth`,
    help: 'Open and claimed cases by risk class',
    labelNames: ['risk_class'],
    registers: [registry],
  });
  const age = new Gauge({
    name: `${PREFIX}queue_oldest_age_seconds`,
    help: 'Age of the oldest undecided case by risk class',
    labelNames: ['risk_class'],
    registers: [registry],
  });
  const overdue = new Gauge({
    name: `${PREFIX}queue_overdue`,
    help: 'Undecided cases past their SLA by risk class',
    labelNames: ['risk_class'],
    registers: [registry],
  });
  // One query per scrape serves the three queue gauges: prom-client collects them concurrently,
  // so the first collect starts the query and the others await the same promise.
  let pending: ReturnType<typeof selectQueueGauges> | null = null;
  const queue = () => (pending ??= selectQueueGauges(db, clock()).finally(() => (pending = null)));
  const fill = (
    g: Gauge<'risk_class'>,
    pick: (r: Awaited<ReturnType<typeof selectQueueGauges>>[number]) => number,
  ) =>
    async function collect() {
      const rows = await queue();
      g.reset();
      for (const r of rows) g.set({ risk_class: r.risk_class }, pick(r));
    };
  const withCollect = (g: Gauge<'risk_class'>) => g as unknown as { collect: () => Promise<void> };
  withCollect(depth).collect = fill(depth, (r) => r.depth);
  withCollect(age).collect = fill(age, (r) => r.oldest_age_s);
  withCollect(overdue).collect = fill(overdue, (r) => r.overdue);
  return {
    registry,
    recordRollup(groups) {
      for (const g of groups) {
        if (g.metric_key !== '') {
          const [kind, a = '', b = ''] = g.metric_key.split(':');
          if (kind === 'gate') gates.inc({ gate: a, outcome: b }, g.metric_count);
          else {
            const counts = new Array<number>(TAT_BOUNDS_S.length + 1).fill(0);
            counts[Number(b)] = g.metric_count;
            reviewTat.add({ risk_class: a }, counts, g.metric_sum);
          }
          continue;
        }
        const labels = { surface: g.surface, provider: g.provider };
        if (g.requests - g.failures > 0)
          requests.inc({ ...labels, outcome: 'success' }, g.requests - g.failures);
        if (g.failures > 0) requests.inc({ ...labels, outcome: 'failure' }, g.failures);
        for (const s of HISTOGRAM_SIGNALS) {
          if (g.hist[s].some((c) => c > 0))
            signals[s].add(labels, g.hist[s], g.sums[s] / SIGNAL_METRICS[s].divisor);
        }
      }
    },
    feedback: new Counter({
      name: `${PREFIX}feedback_total`,
      help: 'Implicit feedback and safety incident reports by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    ratings: new Counter({
      name: `${PREFIX}ratings_total`,
      help: 'Human ratings, useful = score ≥ 4 of 5',
      labelNames: ['useful'],
      registers: [registry],
    }),
  };
}
