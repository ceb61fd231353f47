import type { Queryable } from '../db/index.js';
import { decodeLeaf, openPayload } from './envelope.js';

export { AUDIT_INTEGRATOR_TASK, AUDIT_CHANNEL, integrateBatch, integratePending } from './integrate.js';

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

/** A stored audit entry as the API shows it; `body` is null once its subject was erased. */
export interface AuditEntry {
  seq: number;
  /** Its index in the Merkle log; null until the integrator has taken it (about a second). */
  leaf_index: number | null;
  kind: string;
  transaction_id: string | null;
  case_id: string | null;
  actor: string;
  at: string;
  body: Record<string, unknown> | null;
  erased: boolean;
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
    `insert into audit_entries (tenant_id, kind, transaction_id, case_id, actor, at, body)
     select tenant_id, kind, transaction_id, case_id, actor, at, body
     from jsonb_to_recordset($1::jsonb)
       as x(tenant_id text, kind text, transaction_id text, case_id text, actor text, at timestamptz, body jsonb)`,
    [JSON.stringify(rows)],
  );
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

interface EntryRow {
  seq: string;
  leaf_index: string | null;
  kind: string;
  transaction_id: string | null;
  case_id: string | null;
  actor: string;
  at: Date;
  body: Record<string, unknown>;
  leaf: Uint8Array | null;
  iv: Uint8Array | null;
  sealed: Uint8Array | null;
  key: Uint8Array | null;
}

/** An entry's payload: the outbox body until integrated, then the sealed payload opened, or null if erased. */
function payloadOf(r: EntryRow): Record<string, unknown> | null {
  if (r.leaf_index === null) return r.body;
  if (!r.leaf || !r.iv || !r.sealed || !r.key) return null;
  return openPayload(r.key, r.leaf_index, { iv: r.iv, sealed: r.sealed }, decodeLeaf(r.leaf).commitment);
}

/** Every entry about one transaction (and its case), in the order they were written, payloads opened. */
export async function listTransactionAudit(
  q: Queryable,
  tenantId: string,
  transactionId: string,
): Promise<AuditEntry[]> {
  const { rows } = await q.query<EntryRow>(
    `select e.seq::text as seq, e.leaf_index::text as leaf_index, e.kind, e.transaction_id, e.case_id, e.actor,
            e.at, e.body, l.leaf, p.iv, p.sealed, s.key
     from audit_entries e
     left join audit_leaves l on l.leaf_index = e.leaf_index
     left join audit_payloads p on p.leaf_index = e.leaf_index
     left join audit_subjects s on s.tenant_id = p.tenant_id and s.subject = p.subject
     where e.tenant_id = $1 and e.transaction_id = $2 order by e.seq`,
    [tenantId, transactionId],
  );
  return rows.map((r) => {
    const body = payloadOf(r);
    return {
      seq: Number(r.seq),
      leaf_index: r.leaf_index === null ? null : Number(r.leaf_index),
      kind: r.kind,
      transaction_id: r.transaction_id,
      case_id: r.case_id,
      actor: r.actor,
      at: new Date(r.at).toISOString(),
      body,
      erased: body === null,
    };
  });
}
