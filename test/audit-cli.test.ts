import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratePending } from '../src/audit/index.js';
import { formatCheckpoint, generateSignerKey, parseSignerKey, signNote } from '../src/audit/formats/note.js';
import { makeTransaction } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE } from './helpers/store.js';

const ENTRY = fileURLToPath(new URL('./helpers/cli-entry.ts', import.meta.url));
const ORIGIN = 'cli.test.example/gatehouse';

// Asynchronous, so the in-process server keeps answering while the CLI calls it.
function gatehouse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', ENTRY, ...args], (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let s: TestServer;
let dir: string;
let auditor: string;
const file = (name: string) => join(dir, name);

async function grow(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await s.api('POST', '/v1/transactions', { body: makeTransaction() });
  await integratePending(s.ctx);
}

beforeAll(async () => {
  s = await startTestServer({ auditOrigin: ORIGIN }, { scheduler: false });
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-cli-'));
  auditor = await s.key('auditor');
  await grow(3);
  writeFileSync(file('old.txt'), (await s.api('GET', '/v1/audit/checkpoint', { key: auditor })).body);
  writeFileSync(file('vkey.txt'), (await s.api('GET', '/v1/audit/key', { key: auditor })).body);
  await grow(2);
});
let closed = false;
afterAll(async () => {
  if (closed) await s.store.drop();
  else await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe(`gatehouse audit (${STORE})`, () => {
  it('verify proves the current checkpoint extends the kept one, and refuses a forged one', async () => {
    const remote = ['--url', s.url, '--api-key', auditor, '--key', file('vkey.txt')];
    const ok = await gatehouse([
      'audit',
      'verify',
      '--checkpoint',
      file('old.txt'),
      ...remote,
      '--json',
      '--save',
      file('new.txt'),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const result = JSON.parse(ok.stdout);
    expect(result.ok).toBe(true);
    expect(result.new_size).toBeGreaterThan(result.old_size);
    expect(readFileSync(file('new.txt'), 'utf8')).toContain(ORIGIN);

    // A checkpoint of the same origin signed by a key the auditor does not trust.
    const rogue = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
    const body = formatCheckpoint({ origin: ORIGIN, size: 1n, rootHash: new Uint8Array(32), extensions: [] });
    writeFileSync(file('rogue.txt'), signNote(body, [rogue]));
    const bad = await gatehouse(['audit', 'verify', '--checkpoint', file('rogue.txt'), ...remote]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^gatehouse: checkpoint: /);
  });

  it('export writes a bundle that verify-bundle and verify-receipt check offline, and a changed byte fails', async () => {
    const out = file('bundle');
    const exp = await gatehouse([
      'audit',
      'export',
      '--url',
      s.url,
      '--api-key',
      auditor,
      '--since',
      '2',
      '--out',
      out,
      '--json',
    ]);
    expect(exp.code, exp.stderr).toBe(0);
    const { entries, tree_size } = JSON.parse(exp.stdout);
    expect(entries).toBe(tree_size - 2);
    expect(readdirSync(join(out, 'entries'))).toHaveLength(entries);

    const ok = await gatehouse([
      'audit',
      'verify-bundle',
      out,
      '--key',
      file('vkey.txt'),
      '--origin',
      ORIGIN,
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, entries, origin: ORIGIN });

    const receipt = await gatehouse([
      'audit',
      'verify-receipt',
      join(out, 'receipts', '3.tlog-proof'),
      '--entry',
      join(out, 'entries', '3.bin'),
      '--key',
      file('vkey.txt'),
    ]);
    expect(receipt.code, receipt.stderr).toBe(0);
    expect(receipt.stdout).toMatch(/^ok: entry 3 is in/);

    const bytes = readFileSync(join(out, 'entries', '3.bin'));
    bytes[bytes.length - 3]! ^= 0x01;
    writeFileSync(join(out, 'entries', '3.bin'), bytes);
    const bad = await gatehouse(['audit', 'verify-bundle', out, '--key', file('vkey.txt')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^gatehouse: entry 3: /);
    const badReceipt = await gatehouse([
      'audit',
      'verify-receipt',
      join(out, 'receipts', '3.tlog-proof'),
      '--entry',
      join(out, 'entries', '3.bin'),
      '--key',
      file('vkey.txt'),
    ]);
    expect(badReceipt.code).toBe(1);
  });

  it('check recomputes the tree from the store: ok, then a tampered row is found', async () => {
    // The embedded store is one process's: close the server (keeping its files) before the CLI opens it.
    await s.close();
    closed = true;
    const store = s.store.databaseUrl
      ? ['--database-url', s.store.databaseUrl]
      : ['--data-dir', join(s.store.dataDir, 'db')];
    const key = ['--key', file('vkey.txt')];
    const ok = await gatehouse(['audit', 'check', ...store, ...key, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, problems: [] });

    const db = await s.store.open();
    await db.transaction(async (tx) => {
      await tx.query(`alter table audit_leaves disable trigger audit_leaves_append_only`);
      await tx.query(`update audit_leaves set leaf = leaf || '\\x20'::bytea where leaf_index = 1`);
      await tx.query(`alter table audit_leaves enable trigger audit_leaves_append_only`);
    });
    await db.close();
    const bad = await gatehouse(['audit', 'check', ...store, ...key]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/leaf 1: not a canonical version-1 leaf/);
    expect(bad.stdout).toMatch(/subtree 1\/0/);
    expect(bad.stderr).toMatch(/^gatehouse: audit check found \d+ problem/);
  });

  it('has --help listing every audit command', async () => {
    const r = await gatehouse(['audit', '--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['verify', 'verify-receipt', 'export', 'verify-bundle', 'check']) {
      expect(r.stdout).toMatch(new RegExp(`\\n  ${cmd} `));
    }
    const check = await gatehouse(['audit', 'check', '--help']);
    expect(check.stdout).toContain('Usage: gatehouse audit check');
  });
});
