import type { MetricValueWithName } from 'prom-client';

/**
 * A Prometheus histogram fed with bucket counts instead of single observations: the SLO rollup
 * already counted its events per bucket, so /metrics reuses those counts (same bounds, `le`
 * inclusive) rather than observing each event a second time. Registered like any prom-client metric.
 */
export class BucketHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<
    string,
    { labels: Record<string, string>; counts: number[]; sum: number }
  >();

  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds in the exported unit (e.g. seconds). */
    private readonly bounds: readonly number[],
  ) {}

  /** Adds non-cumulative bucket counts (length bounds + 1, last = +Inf) and their sum. */
  add(labels: Record<string, string>, counts: readonly number[], sum: number): void {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0 };
      this.series.set(key, s);
    }
    counts.forEach((c, i) => (s.counts[i] = s.counts[i]! + c));
    s.sum += sum;
  }

  /** prom-client's metric contract: cumulative `_bucket` series, `_sum` and `_count`. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    values: MetricValueWithName<string>[];
    aggregator: 'sum';
  }> {
    const values: MetricValueWithName<string>[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: cumulative });
      });
      cumulative += s.counts[this.bounds.length]!;
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { ...s.labels, le: '+Inf' },
        value: cumulative,
      });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: cumulative });
    }
    return { name: this.name, help: this.help, type: 'histogram', values, aggregator: 'sum' };
  }

  /** Forgets every series. */
  reset(): void {
    this.series.clear();
  }
}
