import type { Queryable } from '../../db/index.js';

/** A pii_vault row. */
export interface VaultRow {
  tenant_id: string;
  id: string;
  transaction_id: string | null;
  entity_type: string;
  sealed: string;
  created_at: string;
}

/** Inserts vault rows in one statement. */
export async function insertVaultRows(q: Queryable, rows: VaultRow[]): Promise<void> {
  await q.query(
    `insert into pii_vault (tenant_id, id, transaction_id, entity_type, sealed, created_at)
     select tenant_id, id, transaction_id, entity_type, sealed, created_at
     from jsonb_to_recordset($1::jsonb)
       as x(tenant_id text, id text, transaction_id text, entity_type text, sealed text, created_at timestamptz)`,
    [JSON.stringify(rows)],
  );
}

/** One vault row of a tenant, or undefined. */
export async function findVaultRow(
  q: Queryable,
  tenantId: string,
  id: string,
): Promise<VaultRow | undefined> {
  const { rows } = await q.query<VaultRow>(
    `select tenant_id, id, transaction_id, entity_type, sealed, created_at from pii_vault where tenant_id = $1 and id = $2`,
    [tenantId, id],
  );
  return rows[0];
}
