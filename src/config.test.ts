import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'gh-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('config resolution: flag → env → file → default', () => {
  const file = join(dir, 'gatehouse.yaml');
  writeFileSync(file, 'port: 7000\nhost: 0.0.0.0\nleaseSeconds: 60\n');

  it('takes each setting from the strongest source that has it', () => {
    const c = resolveConfig({ port: 9000 }, { GATEHOUSE_HOST: '::1' }, file);
    expect(c.port).toBe(9000);
    expect(c.host).toBe('::1');
    expect(c.leaseSeconds).toBe(60);
    expect(c.bodyLimitBytes).toBe(1_048_576);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names the bad setting and its variable', () => {
    expect(() => resolveConfig({}, { GATEHOUSE_PORT: 'eighty' })).toThrow(/port \(GATEHOUSE_PORT\)/);
    expect(() => resolveConfig({}, {}, file.replace('gatehouse', 'missing'))).toThrow(
      /cannot read config file/,
    );
  });

  it('reads a yes/no setting from the environment as a boolean, refusing anything else', () => {
    expect(resolveConfig({}, {}).pgPreparedStatements).toBe(true);
    expect(resolveConfig({}, { GATEHOUSE_PG_PREPARED_STATEMENTS: 'false' }).pgPreparedStatements).toBe(false);
    expect(() => resolveConfig({}, { GATEHOUSE_PG_PREPARED_STATEMENTS: 'no' })).toThrow(
      /pgPreparedStatements \(GATEHOUSE_PG_PREPARED_STATEMENTS\)/,
    );
  });

  it('refuses an unknown key in the file', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'prot: 1\n');
    expect(() => resolveConfig({}, {}, bad)).toThrow(/prot/);
  });
});
