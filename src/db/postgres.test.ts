import { afterEach, describe, expect, it } from 'vitest';
import { freshStore, STORE, type TestStore } from '../../test/helpers/store.js';
import { openDb } from './index.js';

let store: TestStore | undefined;
afterEach(async () => {
  await store?.drop();
});

describe.runIf(STORE === 'postgres')('prepared statements on the server store', () => {
  // Counted inside one transaction, so the query and the count run on the same connection.
  async function preparedAfterOneQuery(preparedStatements: boolean): Promise<number> {
    const db = await openDb({ databaseUrl: store!.databaseUrl!, preparedStatements });
    try {
      return await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ n: number }>('select $1::int as n', [7]);
        expect(rows[0]!.n).toBe(7);
        const count = await tx.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements');
        return count.rows[0]!.n;
      });
    } finally {
      await db.close();
    }
  }

  it('prepares each parameterized statement once per connection, unless turned off for a pooler', async () => {
    store = await freshStore();
    expect(await preparedAfterOneQuery(true)).toBeGreaterThanOrEqual(1);
    expect(await preparedAfterOneQuery(false)).toBe(0);
  });
});
