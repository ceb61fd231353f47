import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GatehouseError } from '../../errors.js';
import { compileGates, type GateResult } from '../../gates/index.js';
import { evaluateGates } from '../../gates/evaluate.js';
import { loadPolicyFile } from '../../routing/index.js';
import { configFrom } from '../options.js';

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new GatehouseError('invalid_request', `${flag} ${path}: ${(err as Error).message}`);
  }
}

function describeFinding(text: string, f: GateResult['findings'][number]): string {
  const where = f.end > f.start ? ` [${f.start},${f.end}) ${JSON.stringify(text.slice(f.start, f.end))}` : '';
  return `${f.entity_type}${where}${f.detail ? ` ${f.detail}` : ''}`;
}

/** The human-readable report: one line per gate, its findings indented below, then the output. */
function formatReport(version: string, results: GateResult[], original: string, output: string): string {
  const lines = [`policy ${version}`];
  for (const r of results) {
    lines.push(
      `${r.name.padEnd(22)} ${r.outcome.padEnd(6)} score ${r.score.toFixed(2)}  ${r.duration_ms.toFixed(2)} ms` +
        (r.error ? `  error: ${r.error} (${r.on_error})` : ''),
    );
    for (const f of r.findings) {
      lines.push(
        `    ${f.target === 'prompt' ? 'prompt: ' : ''}${describeFinding(f.target === 'prompt' ? '' : original, f)}`,
      );
    }
    if (r.signals) lines.push(`    signals ${JSON.stringify(r.signals)}`);
  }
  lines.push('', 'output as released:', output);
  return lines.join('\n') + '\n';
}

/** `gatehouse gates eval --file x.txt`: runs the policy's gates on a text locally; stores nothing. */
export function registerGates(program: Command): void {
  const gates = program.command('gates').description('Work with verification gates');
  gates
    .command('eval')
    .description('Dry run: run the policy’s gates on a text (as the model output) and print the findings')
    .requiredOption('--file <file>', 'the text to check, read as the model output')
    .option('--prompt-file <file>', 'the prompt the text answered (checked too)')
    .option('--workflow <name>', 'the policy workflow (structured-output contracts, AI label)')
    .option('--confidence <n>', 'the model’s self-reported confidence, 0–1')
    .option('--policy <file>', 'policy file (GATEHOUSE_POLICY; default: the bundled default policy)')
    .option('--config <file>', 'YAML config file (GATEHOUSE_CONFIG)')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      '\nThe `hash` operator uses a one-off key here, so its tags differ from the server’s.',
    )
    .action(async (opts: Record<string, unknown>) => {
      const confidence = opts.confidence === undefined ? null : Number(opts.confidence);
      if (confidence !== null && !(confidence >= 0 && confidence <= 1)) {
        throw new GatehouseError('invalid_request', '--confidence must be a number in [0, 1]');
      }
      const policy = loadPolicyFile(configFrom(opts).policy);
      const set = compileGates(policy.gates);
      const output = readText(opts.file as string, '--file');
      const prompt = opts.promptFile ? readText(opts.promptFile as string, '--prompt-file') : '';
      const workflow = (opts.workflow as string | undefined) ?? null;
      const evaluation = await evaluateGates(set, { prompt, output, confidence, workflow }, randomBytes(32));
      if (opts.json) {
        process.stdout.write(JSON.stringify({ policy_version: policy.version, ...evaluation }) + '\n');
      } else {
        process.stdout.write(formatReport(policy.version, evaluation.gates, output, evaluation.output));
      }
    });
}
