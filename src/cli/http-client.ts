import type { Command } from 'commander';
import { GatehouseError } from '../errors.js';

/** Adds `--url` and `--key` for commands that talk to a running server. */
export function withServerOptions(cmd: Command): Command {
  return cmd
    .option(
      '--url <url>',
      'Gatehouse server (GATEHOUSE_URL)',
      process.env.GATEHOUSE_URL ?? 'http://127.0.0.1:8080',
    )
    .option('--key <key>', 'API key with the lead, auditor or admin role (GATEHOUSE_KEY)');
}

/** GETs `path` from the server as JSON; a problem response becomes a one-line error. */
export async function getJson<T>(opts: { url: string; key?: string }, path: string): Promise<T> {
  const key = opts.key ?? process.env.GATEHOUSE_KEY;
  if (!key) throw new GatehouseError('unauthorized', 'give an API key with --key or GATEHOUSE_KEY');
  let res: Response;
  try {
    res = await fetch(new URL(path, opts.url), { headers: { authorization: `Bearer ${key}` } });
  } catch (err) {
    throw new GatehouseError('not_ready', `cannot reach ${opts.url}: ${(err as Error).message}`);
  }
  const body = (await res.json()) as T & { detail?: string };
  if (!res.ok) throw new GatehouseError('internal', `${res.status} from ${path}: ${body.detail ?? 'error'}`);
  return body;
}
