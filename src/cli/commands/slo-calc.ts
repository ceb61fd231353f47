import type { Command } from 'commander';
import { calcBurnRate, calcQuality } from '../../slo/index.js';
import { integerOption, numberOption, printResult } from '../output.js';

/** `gatehouse slo calc burn-rate|quality`: the seed's what-if questions without a server. */
export function registerSloCalc(slo: Command): void {
  const calc = slo
    .command('calc')
    .description('Error-budget and significance calculators (no server needed)');
  calc
    .command('burn-rate')
    .description('Burn rate = (failures / total) / (1 − target), and the share of the period budget spent')
    .requiredOption('--failures <n>', 'bad events in the window', integerOption('--failures'))
    .requiredOption('--total <n>', 'all events in the window', integerOption('--total'))
    .requiredOption('--target <ratio>', "SLO target as a decimal ratio, e.g. '0.995'")
    .requiredOption('--window <duration>', 'window the counts cover, e.g. 1h')
    .option('--period <duration>', 'SLO period', '30d')
    .option('--json', 'print the figures as JSON')
    .action(
      (opts: {
        failures: number;
        total: number;
        target: string;
        window: string;
        period: string;
        json?: boolean;
      }) => {
        const f = calcBurnRate(opts);
        printResult(opts.json, f, [
          `burn rate          ${f.burn_rate}  (error ratio ${f.error_ratio} / allowed ${f.allowed_error_ratio})`,
          `budget consumed    ${(f.budget_consumed * 100).toPrecision(4)} % of the ${opts.period} budget in ${opts.window}`,
          `budget exhausted   ${f.hours_to_exhaustion === null ? 'never at this rate' : `in ${f.hours_to_exhaustion.toPrecision(4)} h at this rate`}`,
        ]);
      },
    );
  calc
    .command('quality')
    .description('Exact one-sided binomial test, H1: pass rate < target (no verdict under --min-samples)')
    .requiredOption('--passes <n>', 'passing events', integerOption('--passes'))
    .requiredOption('--total <n>', 'all events', integerOption('--total'))
    .requiredOption('--target <ratio>', "quality target as a decimal ratio, e.g. '0.92'")
    .option('--alpha <a>', 'significance level', numberOption('--alpha'), 0.01)
    .option('--min-samples <n>', 'no verdict below this many events', integerOption('--min-samples'), 50)
    .option('--json', 'print the figures as JSON')
    .action(
      (opts: {
        passes: number;
        total: number;
        target: string;
        alpha: number;
        minSamples: number;
        json?: boolean;
      }) => {
        const r = calcQuality(opts);
        printResult(opts.json, r, [
          `pass rate    ${r.pass_rate === null ? 'n/a' : r.pass_rate.toFixed(4)} against target ${opts.target}`,
          `p-value      ${r.p_value.toPrecision(6)} (alpha ${opts.alpha})`,
          `critical k   ${r.critical_k} (breach when passes ≤ k)`,
          `verdict      ${r.verdict}`,
        ]);
      },
    );
}
