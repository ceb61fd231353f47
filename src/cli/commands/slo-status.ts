import type { Command } from 'commander';
import type { SloReport, SloStatus } from '../../slo/index.js';
import { bar, pct } from '../chart.js';
import { getJson, withServerOptions } from '../http-client.js';

const ARROWS = { up: '↑', down: '↓', flat: '→' } as const;
const CATEGORIES = ['latency', 'quality', 'cost', 'availability'] as const;

function value(s: SloStatus): string {
  if (s.drift)
    return `change ${s.drift.change === null ? 'n/a' : s.drift.change.toFixed(4)} (max ${s.drift.max_change})`;
  const q =
    s.quantile === null ? '' : ` (p${Math.round(Number(s.objective) * 100)} ≈ ${s.quantile.toPrecision(3)})`;
  return `${pct(s.ratio)} / ${pct(Number(s.objective))}${q}`;
}

/** The four panels as text: one line per SLO with a budget bar, firing alerts underneath. */
export function renderSloStatus(report: SloReport): string {
  const lines: string[] = [`SLOs at ${report.generated_at} (budget period ${report.period_days}d)`];
  for (const cat of CATEGORIES) {
    lines.push('', cat.toUpperCase());
    for (const s of report.slos.filter((x) => x.category === cat)) {
      const arrow = s.trend.direction ? ARROWS[s.trend.direction] : ' ';
      const budget =
        s.budget_remaining === null
          ? ''
          : ` budget ${bar(s.budget_remaining, 12)} ${pct(s.budget_remaining)}`;
      lines.push(
        `  ${s.status === 'breach' ? '✗' : s.status === 'ok' ? '✓' : '·'} ${s.name.padEnd(20)} ${value(s)} ${arrow}${budget}`,
      );
      for (const a of s.alerts.filter((x) => x.firing)) lines.push(`      firing: ${a.rule} (${a.severity})`);
      for (const sub of s.subs.filter((x) => x.status === 'breach'))
        lines.push(`      breach in ${sub.sub}: ${pct(sub.ratio)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** `gatehouse slo status`: every SLO of the server, as four panels or `--json`. */
export function registerSloStatus(slo: Command): void {
  withServerOptions(slo.command('status').description('Every SLO now: value, target, trend, budget, alerts'))
    .option('--json', 'print GET /v1/slo as JSON')
    .action(async (opts: { url: string; key?: string; json?: boolean }) => {
      const report = await getJson<SloReport>(opts, '/v1/slo');
      process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : renderSloStatus(report));
    });
}
