import { stringify } from 'yaml';
import { SIGNAL_METRICS, PREFIX } from '../metrics/registry.js';
import { buildAlertTable, fractionToDecimal } from './alerts.js';
import type { SloDefinition, SloSet } from './definition.js';
import { SloDecimal } from './error-budget.js';
import { formatMinutes } from './evaluate.js';

// Prometheus recording and alerting rules for the SLOs /metrics can express, named as Sloth names
// them (sloth.dev: `slo:sli_error:ratio_rate<window>` with sloth_id / sloth_service / sloth_slo /
// sloth_window labels, then the `slo:*` metadata series), so Sloth dashboards and alerts work on them.

/** The `sloth_service` label of every generated rule. */
export const SERVICE = 'gatehouse';

/** A Prometheus rule file: groups of recording and alerting rules. */
export interface RuleFile {
  groups: { name: string; rules: Record<string, unknown>[] }[];
}

// Prometheus durations have no "24h = 1d" ambiguity; Sloth writes days as d.
const promDuration = (minutes: number) => formatMinutes(minutes);

function selector(slo: SloDefinition, extra: Record<string, string> = {}): string {
  const labels = { ...slo.filter, ...extra };
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${String(v).replace(/["\\]/g, '\\$&')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** The error-ratio expression of an SLO over `w`, or null when /metrics has no series for it. */
export function sliErrorExpr(slo: SloDefinition, w: string): string | null {
  const ind = slo.indicator;
  if (ind.kind === 'threshold') {
    const m = PREFIX + SIGNAL_METRICS[ind.signal].name;
    const le = String(ind.le / SIGNAL_METRICS[ind.signal].divisor);
    const total = `sum(rate(${m}_count${selector(slo)}[${w}]))`;
    return `(${total} - sum(rate(${m}_bucket${selector(slo, { le })}[${w}]))) / ${total}`;
  }
  if (ind.kind === 'ratio' && ind.good === 'success') {
    const m = `${PREFIX}llm_requests_total`;
    return `sum(rate(${m}${selector(slo, { outcome: 'failure' })}[${w}])) / sum(rate(${m}${selector(slo)}[${w}]))`;
  }
  if (ind.kind === 'ratio' && ind.good === 'accepted' && !slo.filter.surface && !slo.filter.provider) {
    const m = `${PREFIX}feedback_total`;
    return `sum(rate(${m}{kind=~"regenerated|abandoned|handed_off"}[${w}])) / sum(rate(${m}{kind=~"accepted|regenerated|abandoned|handed_off"}[${w}]))`;
  }
  return null;
}

/** Which SLOs get rules: burn-rate alerting and a Prometheus SLI. The others are listed as skipped. */
export function ruleSlos(set: SloSet): {
  included: SloDefinition[];
  skipped: { name: string; why: string }[];
} {
  const included: SloDefinition[] = [];
  const skipped: { name: string; why: string }[] = [];
  for (const slo of set.slos) {
    if (slo.alerting !== 'burn_rate') skipped.push({ name: slo.name, why: `alerting is ${slo.alerting}` });
    else if (!sliErrorExpr(slo, '5m'))
      skipped.push({ name: slo.name, why: 'no /metrics series for its indicator' });
    else included.push(slo);
  }
  return { included, skipped };
}

const camel = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** Recording and alerting rules for every SLO with a Prometheus SLI, Sloth-named. */
export function buildPrometheusRules(set: SloSet): RuleFile {
  const table = buildAlertTable(set.period_days);
  const period = `${set.period_days}d`;
  const windows = [...new Set(table.flatMap((r) => [r.short_minutes, r.long_minutes]))].sort((a, b) => a - b);
  const groups: RuleFile['groups'] = [];
  for (const slo of ruleSlos(set).included) {
    const id = `${SERVICE}-${slo.name}`;
    const base = { sloth_id: id, sloth_service: SERVICE, sloth_slo: slo.name };
    const sel = `{sloth_id="${id}", sloth_service="${SERVICE}", sloth_slo="${slo.name}"}`;
    const budget = new SloDecimal(1).minus(slo.objective!).toString();
    const sli = windows.map((m) => ({
      record: `slo:sli_error:ratio_rate${promDuration(m)}`,
      expr: `(${sliErrorExpr(slo, promDuration(m))})`,
      labels: { ...base, sloth_window: promDuration(m) },
    }));
    sli.push({
      record: `slo:sli_error:ratio_rate${period}`,
      expr: `sum_over_time(slo:sli_error:ratio_rate5m${sel}[${period}]) / ignoring (sloth_window) count_over_time(slo:sli_error:ratio_rate5m${sel}[${period}])`,
      labels: { ...base, sloth_window: period },
    });
    groups.push({ name: `sloth-slo-sli-recordings-${id}`, rules: sli });
    groups.push({
      name: `sloth-slo-meta-recordings-${id}`,
      rules: [
        { record: 'slo:objective:ratio', expr: `vector(${slo.objective})`, labels: base },
        { record: 'slo:error_budget:ratio', expr: `vector(1 - ${slo.objective})`, labels: base },
        { record: 'slo:time_period:days', expr: `vector(${set.period_days})`, labels: base },
        {
          record: 'slo:current_burn_rate:ratio',
          expr: `slo:sli_error:ratio_rate5m${sel} / on (sloth_id, sloth_slo, sloth_service) group_left slo:error_budget:ratio${sel}`,
          labels: base,
        },
        {
          record: 'slo:period_burn_rate:ratio',
          expr: `slo:sli_error:ratio_rate${period}${sel} / on (sloth_id, sloth_slo, sloth_service) group_left slo:error_budget:ratio${sel}`,
          labels: base,
        },
        {
          record: 'slo:period_error_budget_remaining:ratio',
          expr: `1 - slo:period_burn_rate:ratio${sel}`,
          labels: base,
        },
        {
          record: 'sloth_slo_info',
          expr: 'vector(1)',
          labels: {
            ...base,
            sloth_mode: 'cli-gen-gatehouse',
            sloth_objective: new SloDecimal(slo.objective!).times(100).toString(),
          },
        },
      ],
    });
    groups.push({
      name: `sloth-slo-alerts-${id}`,
      rules: table.map((row) => {
        const factor = fractionToDecimal(row.factor).toSignificantDigits(16).toString();
        const over = (m: number) =>
          `max(slo:sli_error:ratio_rate${promDuration(m)}${sel} > (${factor} * ${budget})) without (sloth_window)`;
        return {
          alert: `${camel(slo.name)}BurnRate${camel(row.name)}`,
          expr: `(${over(row.long_minutes)}) and (${over(row.short_minutes)})`,
          labels: {
            sloth_severity: row.severity === 'page' ? 'page' : 'ticket',
            gatehouse_rule: row.name,
            gatehouse_auto_rollback: String(row.auto_rollback),
          },
          annotations: {
            title: `(${row.severity}) ${slo.name}: error budget burn rate above ${factor} over ${promDuration(row.long_minutes)} and ${promDuration(row.short_minutes)}`,
          },
        };
      }),
    });
  }
  return { groups };
}

/** The rule file as YAML, with a header naming its source and the SLOs it could not express. */
export function renderPrometheusRules(set: SloSet, source: string): string {
  const { skipped } = ruleSlos(set);
  const header = [
    `# Generated by \`gatehouse slo rules\` from ${source}; do not edit.`,
    '# Sloth-compatible names: slo:sli_error:ratio_rate<window>, slo:* metadata, sloth_* labels.',
    ...skipped.map(
      (s) => `# Not expressible in Prometheus: ${s.name} (${s.why}); Gatehouse evaluates it itself.`,
    ),
  ];
  return header.join('\n') + '\n' + stringify(buildPrometheusRules(set), { lineWidth: 0 });
}
