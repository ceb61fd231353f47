import type { Command } from 'commander';
import { resolve } from 'node:path';
import { stderrLogger } from '../../ctx.js';
import { startServer } from '../../server.js';
import { startDemo } from '../demo-traffic.js';
import { configFrom, withStoreOptions } from '../options.js';

/** `gatehouse start`: runs the server until SIGINT/SIGTERM. */
export function registerStart(program: Command): void {
  withStoreOptions(
    program.command('start').description('Run the Gatehouse server (embedded store unless --database-url)'),
  )
    .option('--port <port>', 'HTTP port, 0 for any free one (GATEHOUSE_PORT)')
    .option('--host <host>', 'address to listen on (GATEHOUSE_HOST)')
    .option('--policy <file>', 'policy file (GATEHOUSE_POLICY)')
    .option('--json', 'print the start-up facts as one JSON line')
    .option('--demo', 'activate the example policies and feed synthetic traffic (a live queue to look at)')
    .action(async (opts: Record<string, unknown>) => {
      const config = configFrom(opts);
      const server = await startServer(config, stderrLogger);
      const demo = opts.demo ? await startDemo(server.ctx, { everyMs: 2_000 }) : undefined;
      const facts = {
        url: server.url,
        store: config.databaseUrl ? 'postgres' : 'embedded',
        data_dir: resolve(config.dataDir),
        policy: server.ctx.policy().doc.version,
        admin_key_file: server.adminKey?.keyFile ?? null,
        ...(demo && {
          demo: { policies: demo.activated, skipped: demo.skipped, reviewer_key: demo.reviewerKey },
        }),
      };
      if (opts.json) {
        process.stdout.write(JSON.stringify(facts) + '\n');
      } else {
        process.stdout.write(`Gatehouse listening on ${facts.url}\n`);
        process.stdout.write(`  store: ${facts.store}${config.databaseUrl ? '' : ` in ${facts.data_dir}`}\n`);
        process.stdout.write(`  policy: ${facts.policy}\n`);
        if (server.adminKey?.generated) {
          process.stdout.write(
            `  admin key (shown once, also in ${server.adminKey.keyFile}): ${server.adminKey.generated}\n`,
          );
        }
        if (demo) {
          process.stdout.write(
            `  demo: workflow policies ${demo.activated.join(', ') || 'none'}; a transaction every 2 s\n`,
          );
          for (const s of demo.skipped) process.stdout.write(`  demo: skipped ${s}\n`);
          process.stdout.write(`  demo reviewer key (reviewer, sme, lead): ${demo.reviewerKey}\n`);
          process.stdout.write(
            `  try: curl -X POST -H "Authorization: Bearer <key>" ${facts.url}/v1/review/next\n`,
          );
        }
      }
      await new Promise<void>((done) => {
        const stop = (): void => {
          demo?.stop();
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
