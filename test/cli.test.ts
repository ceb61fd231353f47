import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freshStore, type TestStore } from './helpers/store.js';

const ENTRY = fileURLToPath(new URL('./helpers/cli-entry.ts', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('the gatehouse CLI', () => {
  let store: TestStore | undefined;
  afterAll(async () => {
    await store?.drop();
  });

  it('has --help on every command', () => {
    for (const args of [['--help'], ['start', '--help'], ['migrate', '--help']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: gatehouse');
    }
  });

  it('an unknown command or bad setting is one stderr line and a non-zero exit', () => {
    const unknown = run(['frobnicate']);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr.trim().split('\n')[0]).toMatch(/unknown command/);
    const badPort = run(['migrate'], { GATEHOUSE_PORT: 'eighty' });
    expect(badPort.status).toBe(1);
    expect(badPort.stderr.trim().split('\n')).toHaveLength(1);
    expect(badPort.stderr).toMatch(/^gatehouse: config port \(GATEHOUSE_PORT\)/);
  });

  it('migrate --json lists what it applied, then nothing', async () => {
    store = await freshStore();
    const args = store.databaseUrl
      ? ['--database-url', store.databaseUrl]
      : ['--data-dir', join(store.dataDir, 'db')];
    const first = run(['migrate', '--json', ...args]);
    expect(first.status, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).applied).toContain('0001_init.sql');
    const second = run(['migrate', '--json', ...args]);
    expect(JSON.parse(second.stdout).applied).toEqual([]);
  });
});
