import type { Command } from 'commander';
import { migrate, openDb } from '../../db/index.js';
import { configFrom, withStoreOptions } from '../options.js';

/** `gatehouse migrate`: applies pending migrations and lists them. */
export function registerMigrate(program: Command): void {
  withStoreOptions(program.command('migrate').description('Apply pending database migrations'))
    .option('--json', 'print the applied migrations as JSON')
    .action(async (opts: Record<string, unknown>) => {
      const config = configFrom(opts);
      const db = await openDb({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        preparedStatements: config.pgPreparedStatements,
      });
      try {
        const applied = await migrate(db);
        if (opts.json) process.stdout.write(JSON.stringify({ applied }) + '\n');
        else
          process.stdout.write(
            applied.length ? applied.map((m) => `applied ${m}\n`).join('') : 'up to date\n',
          );
      } finally {
        await db.close();
      }
    });
}
