import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { promtool } from '../../test/helpers/promtool.js';
import { loadSloFile, parseSloSet } from './definition.js';
import { buildPrometheusRules, renderPrometheusRules } from './prometheus-rules.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-rules-'));

describe('Prometheus rules for the SLOs', () => {
  it('passes `promtool check rules` for the shipped SLO file', () => {
    const file = join(dir, 'shipped.yml');
    writeFileSync(file, renderPrometheusRules(loadSloFile(), 'llm-slos.yaml'));
    const r = promtool(['check', 'rules', file]);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.status).toBe(0);
  });

  it('fires the 1 h / 5 min rollback alert on a real burn and clears it once the burn stops (`promtool test rules`)', () => {
    const set = parseSloSet({
      apiVersion: 'gatehouse/v1',
      kind: 'SLOSet',
      slos: [
        {
          name: 'success',
          category: 'availability',
          indicator: { kind: 'ratio', good: 'success' },
          objective: '0.999',
        },
      ],
    });
    writeFileSync(join(dir, 'rules.yml'), renderPrometheusRules(set, 'test'));
    const rollback = buildPrometheusRules(set).groups[2]!.rules[0]! as {
      alert: string;
      annotations: Record<string, string>;
    };
    const labels = {
      sloth_id: 'gatehouse-success',
      sloth_service: 'gatehouse',
      sloth_slo: 'success',
      sloth_severity: 'page',
      gatehouse_rule: 'rollback',
      gatehouse_auto_rollback: 'true',
    };
    const series = (outcome: string, values: string) => ({
      series: `gatehouse_llm_requests_total{surface="chat",provider="openai",outcome="${outcome}"}`,
      values,
    });
    const tests = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          // None for 30 minutes, then 10 % failures for an hour (burn 100 against 0.1 % allowed), then none.
          input_series: [series('success', '0+90x240'), series('failure', '0x30 0+10x60 600+0x150')],
          alert_rule_test: [
            { eval_time: '25m', alertname: rollback.alert, exp_alerts: [] },
            {
              eval_time: '70m',
              alertname: rollback.alert,
              exp_alerts: [{ exp_labels: labels, exp_annotations: rollback.annotations }],
            },
            { eval_time: '150m', alertname: rollback.alert, exp_alerts: [] },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'tests.yml'), stringify(tests));
    const r = promtool(['test', 'rules', join(dir, 'tests.yml')]);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
    expect(rollback.alert).toBe('SuccessBurnRateRollback');
  });
});
