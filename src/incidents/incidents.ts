import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { enqueueNotification } from '../notify/outbox.js';
import {
  findIncident,
  linkIncident,
  setIncidentStatus,
  upsertIncident,
  type IncidentRow,
} from './queries.js';

/** An incident's deduplication key: `gatehouse:<rule>:<fingerprint>` (also PagerDuty's `dedup_key`). */
export function incidentKey(rule: string, fingerprint: string): string {
  return `gatehouse:${rule}:${fingerprint}`;
}

/** What raised an incident (L3): the rule, the fingerprint of what repeats, and what to link. */
export interface IncidentSignal {
  tenantId: string;
  rule: string;
  fingerprint: string;
  title: string;
  /** Channels told when it opens (and on acknowledge and resolve). */
  channels: string[];
  caseId?: string | null;
  transactionId?: string | null;
  actor: string;
  at: Date;
}

/**
 * Opens an L3 incident, or attaches this occurrence to the unresolved one with the same dedup key,
 * inside the caller's transaction with its audit entry. Channels are told only when it opens.
 */
export async function raiseIncident(
  tx: Queryable,
  s: IncidentSignal,
): Promise<{ incident: IncidentRow; created: boolean }> {
  const dedupKey = incidentKey(s.rule, s.fingerprint);
  const { row, created } = await upsertIncident(tx, {
    tenantId: s.tenantId,
    id: uuidv7(),
    dedupKey,
    rule: s.rule,
    fingerprint: s.fingerprint,
    title: s.title,
    channels: s.channels,
    at: s.at,
  });
  for (const [subject, id] of [
    ['case', s.caseId],
    ['transaction', s.transactionId],
  ] as const) {
    if (id)
      await linkIncident(tx, { tenantId: s.tenantId, incidentId: row.id, subject, subjectId: id, at: s.at });
  }
  await appendAudit(tx, [
    {
      tenantId: s.tenantId,
      kind: created ? 'incident.opened' : 'incident.attached',
      transactionId: s.transactionId ?? null,
      caseId: s.caseId ?? null,
      actor: s.actor,
      at: s.at,
      body: { incident_id: row.id, dedup_key: dedupKey, rule: s.rule, occurrences: row.occurrences },
    },
  ]);
  if (created) await notifyIncident(tx, row, 'incident.opened', s.at, { case_id: s.caseId ?? null });
  return { incident: row, created };
}

async function notifyIncident(
  tx: Queryable,
  row: IncidentRow,
  type: string,
  at: Date,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await enqueueNotification(tx, {
    tenantId: row.tenant_id,
    channels: row.channels,
    type,
    orderKey: `incident:${row.id}`,
    at,
    data: {
      incident_id: row.id,
      dedup_key: row.dedup_key,
      rule: row.rule,
      fingerprint: row.fingerprint,
      title: row.title,
      status: row.status,
      occurrences: row.occurrences,
      ...extra,
    },
  });
}

const NEXT: Record<'acknowledged' | 'resolved', IncidentRow['status'][]> = {
  acknowledged: ['open'],
  resolved: ['open', 'acknowledged'],
};

/**
 * Moves an incident open → acknowledged → resolved (resolve may skip acknowledge), audited and
 * told to its channels; anything else is `incident_state`. After resolve, the key opens a new one.
 */
export async function transitionIncident(
  ctx: Ctx,
  by: Principal,
  id: string,
  to: 'acknowledged' | 'resolved',
): Promise<IncidentRow> {
  const at = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    const current = await findIncident(tx, by.tenantId, id, true);
    if (!current) throw new GatehouseError('not_found', `no incident ${id}`);
    if (!NEXT[to].includes(current.status)) {
      throw new GatehouseError(
        'incident_state',
        `incident ${id} is ${current.status}; it cannot become ${to}`,
      );
    }
    const row = await setIncidentStatus(tx, { tenantId: by.tenantId, id, status: to, by: by.keyId, at });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: `incident.${to}`,
        actor: by.keyId,
        at,
        body: { incident_id: id, dedup_key: row.dedup_key },
      },
    ]);
    await notifyIncident(tx, row, `incident.${to}`, at);
    return row;
  });
}
