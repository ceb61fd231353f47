import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolveConfig } from '../../config.js';
import { loadSloFile } from '../../slo/index.js';
import { renderPrometheusRules } from '../../slo/prometheus-rules.js';
import { registerSloCalc } from './slo-calc.js';
import { registerSloStatus } from './slo-status.js';

/** `gatehouse slo …`: calculators, status of every SLO, Prometheus rules. */
export function registerSlo(program: Command): void {
  const slo = program.command('slo').description('LLM SLOs: calculators, status, Prometheus rules');
  registerSloCalc(slo);
  registerSloStatus(slo);
  slo
    .command('rules')
    .description('Generate Prometheus recording and alerting rules (Sloth naming) for the SLO file')
    .option('--slo-file <file>', 'SLO file (GATEHOUSE_SLO_FILE; default: the shipped slo/llm-slos.yaml)')
    .option('--out <file>', 'write the rules here instead of stdout')
    .action((opts: { sloFile?: string; out?: string }) => {
      const file = resolveConfig({ sloFile: opts.sloFile }).sloFile;
      const text = renderPrometheusRules(loadSloFile(file), file.split('/').pop()!);
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
}
