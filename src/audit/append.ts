import type { Queryable } from '../db/index.js';

/** One step to record: what happened, to which transaction/case, by whom, when, with what data. */
export interface AuditInput {
  tenantId: string;
  kind: string;
  transactionId?: string | null;
  caseId?: string | null;
  /** An API key id, or `system` for Gatehouse's own actions. */
  actor: string;
  at: Date;
  body: Record<string, unknown>;
}

/**
 * Appends entries to the audit outbox inside the caller's transaction, so a change and its entry
 * commit together or not at all. One statement for any number of entries; the integrator gives them
 * leaf indices and a signed checkpoint within about a second.
 */
export async function appendAudit(tx: Queryable, entries: AuditInput[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = toAuditRows(entries);
  await tx.query(
    appendAuditFrom(`jsonb_to_recordset($1::jsonb)
       as x(tenant_id text, kind text, transaction_id text, case_id text, actor text, at timestamptz, body jsonb)`),
    [JSON.stringify(rows)],
  );
}

/**
 * SQL that appends one entry per row of `source` (a subquery or CTE with the columns tenant_id,
 * kind, transaction_id, case_id, actor, at, body), for a statement that makes a change and logs it
 * in one round trip, as a data-modifying CTE.
 */
export function appendAuditFrom(source: string): string {
  return `insert into audit_entries (tenant_id, kind, transaction_id, case_id, actor, at, body)
    select tenant_id, kind, transaction_id, case_id, actor, at, body from ${source}`;
}

/** The audit_entries rows for entries, in the column names of the table. */
export function toAuditRows(entries: AuditInput[]) {
  return entries.map((e) => ({
    tenant_id: e.tenantId,
    kind: e.kind,
    transaction_id: e.transactionId ?? null,
    case_id: e.caseId ?? null,
    actor: e.actor,
    at: e.at.toISOString(),
    body: e.body,
  }));
}
