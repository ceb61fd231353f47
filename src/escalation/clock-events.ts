import type { Queryable } from '../db/index.js';
import type { ClockEvent } from '../queue/sla-clock.js';

const known = new WeakMap<Queryable, Promise<boolean>>();

/**
 * A case's SLA clock events from the queue's `case_clock_events` (kind, at, reason), or null when
 * that table is not there or holds nothing for the case: then the clock simply started at entry.
 * Read outside the firing's transaction so a schema difference can never abort a firing.
 */
export async function loadClockEvents(
  q: Queryable,
  tenantId: string,
  caseId: string,
): Promise<ClockEvent[] | null> {
  let present = known.get(q);
  if (!present) {
    present = q
      .query<{ present: boolean }>(`select to_regclass('case_clock_events') is not null as present`)
      .then((r) => r.rows[0]?.present === true);
    known.set(q, present);
  }
  if (!(await present)) return null;
  try {
    const { rows } = await q.query<{ kind: ClockEvent['kind']; at: Date; reason: string | null }>(
      `select kind, at, reason from case_clock_events where tenant_id = $1 and case_id = $2 order by at`,
      [tenantId, caseId],
    );
    const events = rows.filter((r) => ['start', 'pause', 'resume', 'stop'].includes(r.kind));
    return events.length > 0
      ? events.map((r) => ({ kind: r.kind, at: new Date(r.at), reason: r.reason ?? undefined }))
      : null;
  } catch {
    return null;
  }
}
