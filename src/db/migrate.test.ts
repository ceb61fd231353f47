import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshStore, type TestStore } from '../../test/helpers/store.js';
import { migrate, pendingMigrations, readMigrations } from './migrate.js';

let store: TestStore | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await store?.drop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gh-mig-')) + '/';
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(dir + name, sql);
  return dir;
}

describe('migrations', () => {
  it('applies the shipped files once, concurrently too', async () => {
    store = await freshStore();
    const a = await store.open();
    const b = store.databaseUrl ? await store.open() : a;
    const [x, y] = await Promise.all([migrate(a), migrate(b)]);
    expect([...x, ...y].sort()).toEqual(readMigrations().map((m) => m.name));
    expect(await pendingMigrations(a)).toEqual([]);
    if (b !== a) await b.close();
    await a.close();
  });

  it('refuses a history that is not a prefix of the files', async () => {
    store = await freshStore();
    const db = await store.open();
    const first = migrationsDir({ '0001_a.sql': 'create table a (x int);' });
    await migrate(db, readMigrations(first));
    const changed = migrationsDir({
      '0001_a.sql': 'create table a (x bigint);',
      '0002_b.sql': 'create table b (x int);',
    });
    await expect(migrate(db, readMigrations(changed))).rejects.toThrow(/does not match/);
    const grown = migrationsDir({
      '0001_a.sql': 'create table a (x int);',
      '0002_b.sql': 'create table b (x int);',
    });
    expect(await migrate(db, readMigrations(grown))).toEqual(['0002_b.sql']);
    await db.close();
  });

  it('rolls back a failing migration whole', async () => {
    store = await freshStore();
    const db = await store.open();
    const bad = migrationsDir({ '0001_a.sql': 'create table a (x int);\ncreate table a (y int);' });
    await expect(migrate(db, readMigrations(bad))).rejects.toThrow();
    const { rows } = await db.query<{ t: string | null }>(`select to_regclass('a')::text as t`);
    expect(rows[0]!.t).toBeNull();
    await db.close();
  });
});
