import type { QueueConfig } from '../compile.js';
import type { ClockEventRow } from '../open.js';
import type { CaseState, StoredClockEvent } from '../queries.js';
import { calendarOf } from './sla.js';
import { computeSlaClock, type SlaClock } from './sla-clock.js';

/**
 * A case's SLA clock at `now` from its stored events: stage 0 (default) is the end-to-end clock
 * against the case's target; stage n is level n's own clock against the same target.
 */
export function caseClock(
  config: QueueConfig,
  c: Pick<CaseState, 'sla_minutes' | 'sla_calendar'>,
  events: readonly StoredClockEvent[],
  now: Date,
  stage = 0,
): SlaClock {
  return computeSlaClock(
    { minutes: c.sla_minutes, calendar: calendarOf(config, c.sla_calendar) },
    events
      .filter((e) => e.stage === stage)
      .map((e) => ({ kind: e.kind, at: e.at, reason: e.reason ?? undefined })),
    now,
  );
}

/** The same clock event on the end-to-end clock and the case's current stage clock. */
export function bothClocks(
  c: { tenantId: string; caseId: string; level: number },
  kind: ClockEventRow['kind'],
  at: Date,
  actor: string,
  reason: string | null = null,
): ClockEventRow[] {
  return [0, c.level].map((stage) => ({
    tenant_id: c.tenantId,
    case_id: c.caseId,
    stage,
    kind,
    at: at.toISOString(),
    reason,
    actor,
  }));
}
