import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../../src/db/index.js';

/** Which store this run tests: `pglite` or `postgres` (set per Vitest project). */
export const STORE = (process.env.GATEHOUSE_TEST_STORE ?? 'pglite') as 'pglite' | 'postgres';

/** The PostgreSQL server tests use; its `test` database is only a launch pad for fresh ones. */
export const SERVER_URL =
  process.env.GATEHOUSE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Where a fresh store for one test lives: a new database on the server, or a new PGlite directory. */
export interface TestStore {
  databaseUrl?: string;
  dataDir: string;
  open(): Promise<Db>;
  drop(): Promise<void>;
}

/** Makes a fresh, empty store for this run's kind. */
export async function freshStore(): Promise<TestStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  if (STORE === 'pglite') {
    return {
      dataDir,
      open: () => openDb({ dataDir: join(dataDir, 'db') }),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `gh_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = '/' + name;
  return {
    databaseUrl: url.toString(),
    dataDir,
    open: () => openDb({ databaseUrl: url.toString() }),
    drop: async () => {
      await adminQuery(`drop database if exists ${name} with (force)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
