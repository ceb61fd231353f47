import type { Queryable } from '../db/index.js';

/** An incidents row. */
export interface IncidentRow {
  tenant_id: string;
  id: string;
  dedup_key: string;
  rule: string;
  fingerprint: string;
  title: string;
  status: 'open' | 'acknowledged' | 'resolved';
  occurrences: number;
  channels: string[];
  opened_at: Date;
  last_seen_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
}

const COLUMNS = `tenant_id, id, dedup_key, rule, fingerprint, title, status, occurrences, channels, opened_at,
  last_seen_at, acknowledged_at, acknowledged_by, resolved_at, resolved_by`;

/**
 * Opens an incident for the key, or counts one more occurrence on the unresolved one: the partial
 * unique index makes concurrent openers meet on one row. `created` tells which happened.
 */
export async function upsertIncident(
  q: Queryable,
  i: {
    tenantId: string;
    id: string;
    dedupKey: string;
    rule: string;
    fingerprint: string;
    title: string;
    channels: string[];
    at: Date;
  },
): Promise<{ row: IncidentRow; created: boolean }> {
  const { rows } = await q.query<IncidentRow & { created: boolean }>(
    `insert into incidents (tenant_id, id, dedup_key, rule, fingerprint, title, status, channels, opened_at, last_seen_at)
     values ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $8)
     on conflict (tenant_id, dedup_key) where status <> 'resolved'
     do update set occurrences = incidents.occurrences + 1, last_seen_at = excluded.last_seen_at
     returning ${COLUMNS}, (xmax = 0) as created`,
    [i.tenantId, i.id, i.dedupKey, i.rule, i.fingerprint, i.title, i.channels, i.at],
  );
  const { created, ...row } = rows[0]!;
  return { row, created };
}

/** Links a case or a transaction to an incident (once). */
export async function linkIncident(
  q: Queryable,
  l: { tenantId: string; incidentId: string; subject: 'case' | 'transaction'; subjectId: string; at: Date },
): Promise<void> {
  await q.query(
    `insert into incident_links (tenant_id, incident_id, subject, subject_id, linked_at) values ($1, $2, $3, $4, $5)
     on conflict do nothing`,
    [l.tenantId, l.incidentId, l.subject, l.subjectId, l.at],
  );
}

/** One incident of a tenant, locked when `forUpdate`. */
export async function findIncident(
  q: Queryable,
  tenantId: string,
  id: string,
  forUpdate = false,
): Promise<IncidentRow | undefined> {
  const { rows } = await q.query<IncidentRow>(
    `select ${COLUMNS} from incidents where tenant_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
    [tenantId, id],
  );
  return rows[0];
}

/** Moves an incident to acknowledged or resolved, stamping who and when. */
export async function setIncidentStatus(
  q: Queryable,
  s: { tenantId: string; id: string; status: 'acknowledged' | 'resolved'; by: string; at: Date },
): Promise<IncidentRow> {
  const stamp = s.status === 'acknowledged' ? 'acknowledged' : 'resolved';
  const { rows } = await q.query<IncidentRow>(
    `update incidents set status = $3, ${stamp}_at = $4, ${stamp}_by = $5 where tenant_id = $1 and id = $2
     returning ${COLUMNS}`,
    [s.tenantId, s.id, s.status, s.at, s.by],
  );
  return rows[0]!;
}

/** A tenant's incidents, newest first, optionally in one status. */
export async function listIncidents(
  q: Queryable,
  tenantId: string,
  opts: { status?: string; limit: number },
): Promise<IncidentRow[]> {
  const { rows } = await q.query<IncidentRow>(
    `select ${COLUMNS} from incidents where tenant_id = $1 and ($2::text is null or status = $2)
     order by opened_at desc, id desc limit $3`,
    [tenantId, opts.status ?? null, opts.limit],
  );
  return rows;
}

/** The cases and transactions linked to an incident, in link order. */
export async function listIncidentLinks(
  q: Queryable,
  tenantId: string,
  incidentId: string,
): Promise<{ subject: string; subject_id: string; linked_at: Date }[]> {
  const { rows } = await q.query<{ subject: string; subject_id: string; linked_at: Date }>(
    `select subject, subject_id, linked_at from incident_links where tenant_id = $1 and incident_id = $2
     order by linked_at, subject_id`,
    [tenantId, incidentId],
  );
  return rows;
}
