import type { Queryable } from '../db/index.js';
import type { ClockEvent } from '../queue/sla-clock.js';

const known = new WeakMap<Queryable, Promise<boolean>>();

/**
 * The SLA clock events of the cases of `steps` from the queue's `case_clock_events` (kind, at,
 * reason), keyed `tenant case`; a case without events (or no such table) is missing: its clock
 * simply started at entry. Read outside the firing's transaction so a schema difference can never
 * abort a firing.
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
  let present = known.get(q);
  if (!present) {
    present = q
      .query<{ present: boolean }>(`select to_regclass('case_clock_events') is not null as present`)
      .then((r) => r.rows[0]?.present === true);
    known.set(q, present);
  }
  if (!(await present)) return out;
  try {
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
       order by e.at`,
      [JSON.stringify(keys)],
    );
    for (const r of rows) {
      const k = `${r.tenant_id} ${r.case_id}`;
      out.set(k, [
        ...(out.get(k) ?? []),
        { kind: r.kind, at: new Date(r.at), reason: r.reason ?? undefined },
      ]);
    }
  } catch {
    // The queue's table differs from what we read: fall back to the entry time, never fail a firing.
  }
  return out;
}
