import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GatehouseError } from '../errors.js';
import type { Db, Queryable } from './db.js';

/** Where the numbered SQL files live: `<package>/migrations`, from both src/ and dist/. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

// Any fixed number works; it only has to be the same in every Gatehouse process.
const MIGRATION_LOCK = 7_246_001;

interface MigrationFile {
  id: number;
  name: string;
  sql: string;
  checksum: string;
}

/** Reads `NNNN_name.sql` files in order. */
export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = readFileSync(dir + name, 'utf8');
      return {
        id: Number(name.slice(0, 4)),
        name,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    });
}

interface AppliedRow {
  id: number;
  name: string;
  checksum: string;
}

async function appliedMigrations(db: Queryable): Promise<AppliedRow[]> {
  const { rows } = await db.query<{ present: boolean }>(
    `select to_regclass('gatehouse_migrations') is not null as present`,
  );
  if (!rows[0]?.present) return [];
  return (await db.query<AppliedRow>('select id, name, checksum from gatehouse_migrations order by id')).rows;
}

/** The files not yet applied; throws when the applied history is not a prefix of the files. */
export async function pendingMigrations(db: Queryable, files = readMigrations()): Promise<MigrationFile[]> {
  const applied = await appliedMigrations(db);
  applied.forEach((row, i) => {
    const file = files[i];
    if (!file || file.name !== row.name || file.checksum !== row.checksum) {
      throw new GatehouseError(
        'migration_history_mismatch',
        `applied migration ${row.name} does not match ${file ? file.name : 'any file'}: refusing to migrate`,
      );
    }
  });
  return files.slice(applied.length);
}

/** Applies pending migrations under an advisory lock so concurrent starts apply each file once. */
export async function migrate(db: Db, files = readMigrations()): Promise<string[]> {
  const done: string[] = [];
  await db.transaction(async (tx) => {
    // Must come first so a concurrent migrator waits here and then sees our history.
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`create table if not exists gatehouse_migrations (
      id int primary key, name text not null, checksum text not null,
      applied_at timestamptz not null default now())`);
    for (const file of await pendingMigrations(tx, files)) {
      // Each file is a plain script; the surrounding transaction makes the batch all-or-nothing.
      await tx.exec(file.sql);
      await tx.query('insert into gatehouse_migrations (id, name, checksum) values ($1, $2, $3)', [
        file.id,
        file.name,
        file.checksum,
      ]);
      done.push(file.name);
    }
  });
  return done;
}
