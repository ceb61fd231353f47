import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { failed, readVerifiers, verifyLogExtends, type Remote } from '../../audit/auditor/client.js';
import { exportBundle, verifyBundle } from '../../audit/auditor/bundle.js';
import { checkAuditLog } from '../../audit/check.js';
import { newVerifier } from '../../audit/formats/note.js';
import { verifyReceipt } from '../../audit/formats/receipt.js';
import { loadAuditSigners } from '../../audit/signing-key.js';
import { openDb } from '../../db/index.js';
import { GatehouseError } from '../../errors.js';
import { configFrom, withStoreOptions } from '../options.js';

// `gatehouse audit …`: the auditor's tools. verify, export and verify-bundle talk to a server over
// HTTP with an auditor API key; verify-receipt and verify-bundle need no server; check opens the
// store directly (run it where the data is; stop an embedded-store server first).

function remoteFrom(opts: Record<string, unknown>): Remote {
  const url = (opts.url as string | undefined) ?? process.env.GATEHOUSE_URL;
  const apiKey = (opts.apiKey as string | undefined) ?? process.env.GATEHOUSE_API_KEY;
  if (!url) throw new GatehouseError('invalid_request', '--url (or GATEHOUSE_URL) is required');
  if (!apiKey) throw new GatehouseError('invalid_request', '--api-key (or GATEHOUSE_API_KEY) is required');
  return { url, apiKey };
}

function print(opts: Record<string, unknown>, json: Record<string, unknown>, text: string): void {
  process.stdout.write(opts.json ? JSON.stringify(json) + '\n' : text + '\n');
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new GatehouseError('invalid_request', `cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}

const remoteOptions = (cmd: Command) =>
  cmd
    .option('--url <url>', 'Gatehouse server URL (GATEHOUSE_URL)')
    .option('--api-key <key>', 'an auditor API key (GATEHOUSE_API_KEY)');

/** Registers `gatehouse audit verify|verify-receipt|export|verify-bundle|check`. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('Verify the tamper-evident audit log');

  remoteOptions(
    audit.command('verify').description('Prove the server’s current checkpoint extends one you kept'),
  )
    .requiredOption('--checkpoint <file>', 'a signed checkpoint saved earlier')
    .requiredOption('--key <vkey|file>', 'trusted verifier key(s) of the log')
    .option('--save <file>', 'write the new, verified checkpoint here')
    .option('--json', 'print the result as JSON')
    .action(async (opts: Record<string, unknown>) => {
      const old = readText(opts.checkpoint as string, 'checkpoint');
      const r = await verifyLogExtends(remoteFrom(opts), old, readVerifiers(opts.key as string));
      if (opts.save) writeFileSync(opts.save as string, r.newCheckpoint);
      const json = { ok: true, origin: r.origin, old_size: Number(r.oldSize), new_size: Number(r.newSize) };
      print(opts, json, `ok: ${r.origin} grew from ${r.oldSize} to ${r.newSize} entries, consistently`);
    });

  audit
    .command('verify-receipt <receipt>')
    .description('Check a tlog-proof receipt for an entry, offline')
    .requiredOption(
      '--entry <file>',
      'the exact entry bytes (from /v1/audit/entries/{index}, base64-decoded)',
    )
    .requiredOption('--key <vkey|file>', 'trusted verifier key(s) of the log')
    .option('--origin <origin>', 'the log origin the checkpoint must name')
    .option('--json', 'print the result as JSON')
    .action((receiptFile: string, opts: Record<string, unknown>) => {
      const receipt = new Uint8Array(readFileSync(receiptFile));
      const entry = new Uint8Array(readFileSync(opts.entry as string));
      let r;
      try {
        r = verifyReceipt(
          receipt,
          entry,
          readVerifiers(opts.key as string),
          opts.origin as string | undefined,
        );
      } catch (err) {
        throw failed(err, 'receipt');
      }
      const json = {
        ok: true,
        index: Number(r.index),
        tree_size: Number(r.checkpoint.size),
        origin: r.checkpoint.origin,
      };
      print(
        opts,
        json,
        `ok: entry ${r.index} is in ${r.checkpoint.origin} at tree size ${r.checkpoint.size}`,
      );
    });

  remoteOptions(
    audit.command('export').description('Write entries, receipts and the checkpoint as an offline bundle'),
  )
    .requiredOption('--out <dir>', 'directory to write the bundle into')
    .option('--since <index|time>', 'first leaf index, or an ISO time (entries recorded since)', '0')
    .option('--json', 'print the result as JSON')
    .action(async (opts: Record<string, unknown>) => {
      const since = opts.since as string;
      const range = /^\d+$/.test(since) ? { sinceIndex: BigInt(since) } : { sinceAt: new Date(since) };
      if (range.sinceAt && Number.isNaN(range.sinceAt.getTime())) {
        throw new GatehouseError(
          'invalid_request',
          `--since ${since} is neither a leaf index nor an ISO time`,
        );
      }
      const r = await exportBundle(remoteFrom(opts), range, opts.out as string);
      const json = { ok: true, entries: r.entries, tree_size: Number(r.treeSize), out: opts.out };
      print(
        opts,
        json,
        `wrote ${r.entries} entries with receipts against tree size ${r.treeSize} to ${opts.out}`,
      );
    });

  audit
    .command('verify-bundle <dir>')
    .description('Check an exported bundle offline')
    .requiredOption('--key <vkey|file>', 'trusted verifier key(s) of the log')
    .option('--origin <origin>', 'the log origin the checkpoint must name')
    .option('--json', 'print the result as JSON')
    .action((dir: string, opts: Record<string, unknown>) => {
      const r = verifyBundle(dir, readVerifiers(opts.key as string), opts.origin as string | undefined);
      const json = { ok: true, origin: r.origin, tree_size: Number(r.treeSize), entries: r.entries };
      print(opts, json, `ok: ${r.entries} entries proven in ${r.origin} at tree size ${r.treeSize}`);
    });

  withStoreOptions(
    audit
      .command('check')
      .description('Recompute the whole tree from the store and hold it against every signed checkpoint'),
  )
    .option('--key <vkey|file>', 'verifier key(s); default: the configured signing key(s)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: Record<string, unknown>) => {
      const config = configFrom(opts);
      const verifiers = opts.key
        ? readVerifiers(opts.key as string)
        : loadAuditSigners(config, false).map((s) => newVerifier(s.name, s.publicKey));
      const db = await openDb({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        preparedStatements: config.pgPreparedStatements,
      });
      try {
        const r = await checkAuditLog(db, verifiers);
        print(
          opts,
          { ok: r.problems.length === 0, ...r },
          r.problems.length === 0
            ? `ok: ${r.size} entries, ${r.checkpoints} checkpoints match`
            : r.problems.join('\n'),
        );
        if (r.problems.length > 0) {
          throw new GatehouseError(
            'audit_verification_failed',
            `audit check found ${r.problems.length} problem(s)`,
          );
        }
      } finally {
        await db.close();
      }
    });
}
