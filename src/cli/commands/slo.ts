import type { Command } from 'commander';
import { registerSloCalc } from './slo-calc.js';

/** `gatehouse slo …`: calculators, status of every SLO, Prometheus rules. */
export function registerSlo(program: Command): void {
  const slo = program.command('slo').description('LLM SLOs: calculators, status, Prometheus rules');
  registerSloCalc(slo);
}
