import type { Command } from 'commander';
import { resolve } from 'node:path';
import { stderrLogger } from '../../ctx.js';
import { startServer } from '../../server.js';
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
    .action(async (opts: Record<string, unknown>) => {
      const config = configFrom(opts);
      const server = await startServer(config, stderrLogger);
      const facts = {
        url: server.url,
        store: config.databaseUrl ? 'postgres' : 'embedded',
        data_dir: resolve(config.dataDir),
        policy: server.ctx.policy().doc.version,
        admin_key_file: server.adminKey?.keyFile ?? null,
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
      }
      await new Promise<void>((done) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(done, done);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
