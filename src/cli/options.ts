import type { Command } from 'commander';
import { resolveConfig, type Config } from '../config.js';

/** Adds the storage options every command that opens the database shares. */
export function withStoreOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'embedded store and admin.key directory (GATEHOUSE_DATA_DIR)', undefined)
    .option(
      '--database-url <url>',
      'use this PostgreSQL server instead of the embedded store (GATEHOUSE_DATABASE_URL)',
    )
    .option('--config <file>', 'YAML config file (GATEHOUSE_CONFIG)');
}

/** Resolves the config from a command's parsed options (flag → env → file → default). */
export function configFrom(opts: Record<string, unknown>): Config {
  return resolveConfig(
    {
      dataDir: opts.dataDir,
      databaseUrl: opts.databaseUrl,
      port: opts.port,
      host: opts.host,
      policy: opts.policy,
    },
    process.env,
    (opts.config as string | undefined) ?? process.env.GATEHOUSE_CONFIG,
  );
}
