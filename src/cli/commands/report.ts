import type { Command } from 'commander';
import type { DailyReport } from '../../metrics/daily-report.js';
import { pct, sparkline } from '../chart.js';
import { getJson, withServerOptions } from '../http-client.js';

/** The daily report as five panels with an hourly chart each where the data has one. */
export function renderDailyReport(r: DailyReport): string {
  const l: string[] = [`Daily control report ${r.date}`];
  l.push(
    '',
    `1. OVERDUE NOW  ${r.overdue_now.overdue} of ${r.overdue_now.open} open (${pct(r.overdue_now.overdue_share)})`,
  );
  for (const c of r.overdue_now.by_risk_class)
    l.push(`   ${c.risk_class.padEnd(10)} ${String(c.overdue).padStart(5)} / ${c.open}`);
  l.push(
    '',
    `2. MANUAL REVIEW  ${pct(r.manual_review.share)} of ${r.manual_review.transactions} (previous 7 days ${pct(r.manual_review.previous_7d)})`,
  );
  l.push(`   sent  |${sparkline(r.manual_review.hourly.reviewed)}| per hour, 00–23 UTC`);
  l.push(`   all   |${sparkline(r.manual_review.hourly.transactions)}|`);
  l.push('', '3. TIME PER CASE TYPE (median / p95 / previous median)');
  for (const c of r.time_per_case_type) {
    const s = (ms: number | null) => (ms === null ? 'n/a' : `${Math.round(ms / 1000)} s`);
    l.push(
      `   ${`${c.risk_class}/${c.reason}`.padEnd(28)} ${s(c.median)} / ${s(c.p95)} / ${s(c.previous_median)}  (${c.n})`,
    );
  }
  l.push('', '4. TOP DECISION REASONS');
  for (const d of r.top_decision_reasons.reasons)
    l.push(`   ${String(d.count).padStart(5)}  ${d.action} ${d.reason ?? ''}`);
  l.push(`   decisions |${sparkline(r.top_decision_reasons.hourly_decisions)}| per hour`);
  l.push('', '5. DEPENDENCE ON ONE PERSON (share of decisions by the top reviewer)');
  for (const d of r.dependence_on_one_person)
    l.push(`   ${d.risk_class.padEnd(10)} ${pct(d.top_reviewer_share)}`);
  if (r.deviations.length) {
    l.push('', 'DEVIATIONS');
    for (const d of r.deviations) l.push(`   ! ${d}`);
    for (const d of r.likely_reasons) l.push(`   ? ${d}`);
  }
  return l.join('\n') + '\n';
}

/** `gatehouse report daily`: the daily control report of the server, as text or `--json`. */
export function registerReport(program: Command): void {
  const report = program.command('report').description('Reports');
  withServerOptions(
    report.command('daily').description('The daily control report: five questions on one screen'),
  )
    .option('--date <yyyy-mm-dd>', 'UTC day, default today')
    .option('--json', 'print GET /v1/reports/daily as JSON')
    .action(async (opts: { url: string; key?: string; date?: string; json?: boolean }) => {
      const r = await getJson<DailyReport>(
        opts,
        `/v1/reports/daily${opts.date ? `?date=${encodeURIComponent(opts.date)}` : ''}`,
      );
      process.stdout.write(opts.json ? JSON.stringify(r) + '\n' : renderDailyReport(r));
    });
}
