import type { Queryable } from '../db/index.js';
import type { ClockEvent } from '../queue/clock/sla-clock.js';

/**
 * The end-to-end SLA clock events (the queue's `case_clock_events`; each level's own clock lives apart) of the cases of
 * `steps`, keyed `tenant case`; a case without events is missing: its clock simply started at
 * entry. Ladders follow the end-to-end clock so that moving up a level never restarts them.
 */
export async function loadClockEvents(
  q: Queryable,
  steps: readonly { tenant_id: string; case_id: string; share: number | null }[],
): Promise<Map<string, ClockEvent[]>> {
  const out = new Map<string, ClockEvent[]>();
  const keys = steps
    .filter((s) => s.share !== null)
    .map((s) => ({ tenant_id: s.tenant_id, case_id: s.case_id }));
  if (keys.length === 0) return out;
  const { rows } = await q.query<{
    tenant_id: string;
    case_id: string;
    kind: ClockEvent['kind'];
    at: Date;
    reason: string | null;
  }>(
    `select e.tenant_id, e.case_id, e.kind, e.at, e.reason from case_clock_events e
     where (e.tenant_id, e.case_id) in (select tenant_id, case_id from jsonb_to_recordset($1::jsonb) as x(tenant_id text, case_id text))
       and e.kind in ('start', 'pause', 'resume', 'stop')
     order by e.seq`,
    [JSON.stringify(keys)],
  );
  for (const r of rows) {
    const k = `${r.tenant_id} ${r.case_id}`;
    out.set(k, [...(out.get(k) ?? []), { kind: r.kind, at: new Date(r.at), reason: r.reason ?? undefined }]);
  }
  return out;
}
