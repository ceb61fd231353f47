import type { Queryable } from '../db/index.js';

/** Upserts golden items of a set; returns how many were written. */
export async function upsertGoldenItems(
  q: Queryable,
  tenantId: string,
  set: string,
  items: { transaction_id: string; expected_output: string }[],
  at: Date,
): Promise<number> {
  const { rowCount } = await q.query(
    `insert into golden_items (tenant_id, set_name, transaction_id, expected_output, uploaded_at)
     select $1, $2, x.transaction_id, x.expected_output, $4
     from jsonb_to_recordset($3::jsonb) as x(transaction_id text, expected_output text)
     on conflict (tenant_id, set_name, transaction_id)
       do update set expected_output = excluded.expected_output, uploaded_at = excluded.uploaded_at`,
    [tenantId, set, JSON.stringify(items), at],
  );
  return rowCount;
}

/** Ids of `ids` that are not transactions of the tenant. */
export async function selectUnknownTransactions(
  q: Queryable,
  tenantId: string,
  ids: string[],
): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `select x.id from unnest($2::text[]) as x(id)
     where not exists (select 1 from transactions t where t.tenant_id = $1 and t.id = x.id)`,
    [tenantId, ids],
  );
  return rows.map((r) => r.id);
}

/** Each golden item of a set with the output its transaction finally released (null if none). */
export async function selectGoldenOutcomes(q: Queryable, tenantId: string, set: string) {
  const { rows } = await q.query<{
    transaction_id: string;
    expected_output: string;
    released_output: string | null;
  }>(
    `select g.transaction_id, g.expected_output, t.released_output
     from golden_items g join transactions t on t.tenant_id = g.tenant_id and t.id = g.transaction_id
     where g.tenant_id = $1 and g.set_name = $2 order by g.transaction_id`,
    [tenantId, set],
  );
  return rows;
}

/** Stores one evaluation of a set. */
export async function insertGoldenRun(
  q: Queryable,
  r: { tenant_id: string; id: string; set_name: string; evaluated_at: Date; items: number; matched: number },
): Promise<void> {
  await q.query(
    `insert into golden_runs (tenant_id, id, set_name, evaluated_at, items, matched) values ($1, $2, $3, $4, $5, $6)`,
    [r.tenant_id, r.id, r.set_name, r.evaluated_at, r.items, r.matched],
  );
}

/** Sets (of every tenant) not evaluated since `before`: what the scheduled evaluation runs. */
export async function selectStaleGoldenSets(q: Queryable, before: Date) {
  const { rows } = await q.query<{ tenant_id: string; set_name: string }>(
    `select distinct g.tenant_id, g.set_name from golden_items g
     where not exists (select 1 from golden_runs r where r.tenant_id = g.tenant_id and r.set_name = g.set_name
                       and r.evaluated_at >= $1)`,
    [before],
  );
  return rows;
}
