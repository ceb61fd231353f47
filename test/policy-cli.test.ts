import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { POLICIES_DIR } from '../src/config.js';
import { STORE } from './helpers/store.js';

const ENTRY = fileURLToPath(new URL('./helpers/cli-entry.ts', import.meta.url));
const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', ENTRY, ...args], { encoding: 'utf8' });

// These commands never open a store, so one store's run is enough.
describe.runIf(STORE === 'pglite')('gatehouse policy', () => {
  it('checks a policy file: ok with its version, or one stderr line with file:line:col', () => {
    const ok = run(['policy', 'check', POLICIES_DIR + 'returns.yaml', '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      valid: true,
      version: expect.stringMatching(/^returns@/),
      rules: 11,
    });

    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-policy-'));
    const bad = join(dir, 'bad.yaml');
    const text = readFileSync(POLICIES_DIR + 'default.yaml', 'utf8').replace(
      '{ path: confidence, lt: 0.5 }',
      '{ path: confidence, lt: 0.5, gt: 0.9 }',
    );
    writeFileSync(bad, text);
    const failed = run(['policy', 'check', bad]);
    expect(failed.status).toBe(1);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(new RegExp(`^gatehouse: ${bad}:\\d+:\\d+: rules\\.1\\.when: `));
  });

  it('diffs two policies and prints the JSON Schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-policy-'));
    const b = join(dir, 'b.yaml');
    writeFileSync(
      b,
      readFileSync(POLICIES_DIR + 'default.yaml', 'utf8').replace(
        'high: { rank: 1, sla_minutes: 30 }',
        'high: { rank: 1, sla_minutes: 20 }',
      ),
    );
    const diff = run(['policy', 'diff', POLICIES_DIR + 'default.yaml', b]);
    expect(diff.status, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('~ risk_classes high.sla_minutes: 30 → 20');
    const schema = run(['policy', 'schema']);
    expect(schema.status).toBe(0);
    expect(JSON.parse(schema.stdout)).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['rules']),
    });
  });
});
