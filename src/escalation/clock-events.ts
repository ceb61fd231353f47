import type { Queryable } from '../db/index.js';
import type { ClockEvent } from '../queue/sla-clock.js';

/**
 * A case's end-to-end SLA clock events (stage 0 of the queue's `case_clock_events`), or null when
 * it has none: then the clock simply started at entry. Ladders follow the end-to-end clock so that
 * moving up a level never restarts them.
 */
export async function loadClockEvents(
  q: Queryable,
  tenantId: string,
  caseId: string,
): Promise<ClockEvent[] | null> {
  const { rows } = await q.query<{ kind: ClockEvent['kind']; at: Date; reason: string | null }>(
    `select kind, at, reason from case_clock_events
     where tenant_id = $1 and case_id = $2 and stage = 0 and kind in ('start', 'pause', 'resume', 'stop')
     order by seq`,
    [tenantId, caseId],
  );
  return rows.length > 0
    ? rows.map((r) => ({ kind: r.kind, at: new Date(r.at), reason: r.reason ?? undefined }))
    : null;
}
