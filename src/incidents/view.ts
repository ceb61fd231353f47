import type { IncidentRow } from './queries.js';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/** An incident as the API shows it. */
export type IncidentView = ReturnType<typeof presentIncident>;

/** The API form of an incident row: ISO times, no tenant. */
export function presentIncident(r: IncidentRow) {
  return {
    id: r.id,
    dedup_key: r.dedup_key,
    rule: r.rule,
    fingerprint: r.fingerprint,
    title: r.title,
    status: r.status,
    occurrences: r.occurrences,
    opened_at: iso(r.opened_at)!,
    last_seen_at: iso(r.last_seen_at)!,
    acknowledged_at: iso(r.acknowledged_at),
    acknowledged_by: r.acknowledged_by,
    resolved_at: iso(r.resolved_at),
    resolved_by: r.resolved_by,
  };
}
