import { Command, CommanderError } from 'commander';
import { GatehouseError } from '../errors.js';
import { registerAudit } from './commands/audit.js';
import { registerGates } from './commands/gates.js';
import { registerMigrate } from './commands/migrate.js';
import { registerReport } from './commands/report.js';
import { registerSlo } from './commands/slo.js';
import { registerPolicy } from './commands/policy.js';
import { registerStart } from './commands/start.js';

/**
 * Runs the CLI and returns the exit code. Every failure ends as one line on stderr and a
 * non-zero code; only the bin shim turns the code into the process's exit status.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('gatehouse')
    .description('Human-in-the-loop gates, SLA review queue and verifiable audit for LLM outputs')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showSuggestionAfterError();
  registerStart(program);
  registerMigrate(program);
  registerAudit(program);
  registerGates(program);
  registerSlo(program);
  registerPolicy(program);
  registerReport(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; commander already printed its message.
      return err.exitCode;
    }
    const message = err instanceof GatehouseError ? err.message : (err as Error).message;
    process.stderr.write(`gatehouse: ${message.split('\n')[0]}\n`);
    return 1;
  }
}
