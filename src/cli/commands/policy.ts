import type { Command } from 'commander';
import { diffPolicies, formatPolicyDiff, policyJsonSchema } from '../../routing/index.js';
import { loadActivePolicy } from '../../server.js';

/** `gatehouse policy check|diff|schema`: validate, compare and describe policy files offline. */
export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('Validate, compare and describe policy files');

  policy
    .command('check')
    .description('Validate a policy file: schema, references, unreachable rules, impossible conditions')
    .argument('<file>', 'policy YAML file')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      // Every section is compiled by its owner, exactly as activation does; errors carry file:line:col.
      const { doc } = loadActivePolicy(file);
      const summary = {
        valid: true,
        version: doc.version,
        rules: doc.rules.length,
        risk_classes: Object.keys(doc.risk_classes),
        reasons: doc.reasons,
      };
      if (opts.json) process.stdout.write(JSON.stringify(summary) + '\n');
      else
        process.stdout.write(
          `${file}: ok, ${doc.version}: ${doc.rules.length} rules, classes ${summary.risk_classes.join(', ')}\n`,
        );
    });

  policy
    .command('diff')
    .description('Show what changes from policy A to policy B: rules added, removed, moved, changed')
    .argument('<a>', 'the policy now')
    .argument('<b>', 'the policy to compare with')
    .option('--json', 'print the differences as JSON')
    .action((a: string, b: string, opts: { json?: boolean }) => {
      const d = diffPolicies(loadActivePolicy(a).doc, loadActivePolicy(b).doc);
      if (opts.json) process.stdout.write(JSON.stringify(d) + '\n');
      else process.stdout.write(formatPolicyDiff(d).join('\n') + '\n');
    });

  policy
    .command('schema')
    .description('Print the JSON Schema of the policy file (for editors and CI)')
    .action(() => {
      process.stdout.write(JSON.stringify(policyJsonSchema(), null, 2) + '\n');
    });
}
