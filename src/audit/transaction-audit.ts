import type { Queryable } from '../db/index.js';
import { decodeLeaf, openPayload } from './formats/envelope.js';

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
            e.at, e.body, l.leaf, e.payload_iv as iv, e.payload as sealed, s.key
     from audit_entries e
     left join audit_leaves l on l.leaf_index = e.leaf_index
     -- The subject as subjectOf names it.
     left join audit_subjects s on s.tenant_id = e.tenant_id
       and s.subject = coalesce('transaction:' || e.transaction_id, 'tenant')
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
