import { createHash } from 'node:crypto';
import { silentLogger, type ActivePolicy, type Logger } from '../ctx.js';
import type { Db } from '../db/index.js';
import { raiseIncident, type IncidentSignal } from '../incidents/index.js';
import { escalationPolicy } from './policy.js';
import { scheduleCaseEscalations, type OpenedCase } from './schedule.js';

/** What escalation writes for one accepted transaction: its case's ladder, and an incident to raise. */
export interface IntakeEscalation {
  policy: ActivePolicy;
  case: OpenedCase | null;
  incident: IncidentSignal | null;
  /** When the transaction was accepted (the injected clock's reading). */
  at: Date;
}

/** The routing result fields escalation reads (policy #5 adds them; read defensively until then). */
interface RouteSignals {
  matched_rules: string[];
  incident?: boolean;
  incident_rule?: string;
  notify?: string[];
  fingerprint?: string;
}

/**
 * Plans, without I/O, what escalation must write for an intake: the case's ladder and, when the
 * winning rule says `incident: true` (seed 1: the same prompt fails 3 times in 24 h), an L3 incident
 * keyed `gatehouse:<rule>:<fingerprint>` that notifies the rule's channels (ML ops).
 */
export function planIntakeEscalation(
  policy: ActivePolicy,
  t: {
    tenantId: string;
    transactionId: string;
    workflow: string | null;
    prompt: unknown;
    case: OpenedCase | null;
    route: object;
  },
  at: Date,
): IntakeEscalation {
  const route = t.route as RouteSignals;
  const esc = escalationPolicy({ policy: () => policy });
  const incident: IncidentSignal | null = route.incident
    ? {
        tenantId: t.tenantId,
        rule: route.incident_rule ?? route.matched_rules[0] ?? 'policy',
        fingerprint: route.fingerprint ?? fallbackFingerprint(t.workflow, t.prompt),
        title: `rule ${route.incident_rule ?? route.matched_rules[0] ?? 'policy'} raised an incident`,
        channels: route.notify && route.notify.length > 0 ? route.notify : esc.notify.ml_ops,
        caseId: t.case?.id ?? null,
        transactionId: t.transactionId,
        actor: 'system',
        at,
      }
    : null;
  return { policy, case: t.case, incident, at };
}

// Until routing computes fingerprints (policy #5): the workflow and the exact prompt.
function fallbackFingerprint(workflow: string | null, prompt: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([workflow, prompt]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Writes a batch's escalation after its intake committed: every case's ladder in one statement, and
 * each incident in its own transaction. Never throws: the intake is already answered for, so a
 * failure here is logged, and a missing ladder is healed by `scheduleMissedCases` within a minute.
 */
export async function writeIntakeEscalations(
  db: Db,
  items: readonly IntakeEscalation[],
  log: Logger = silentLogger,
): Promise<void> {
  const withCase = items.filter((i) => i.case);
  if (withCase.length > 0) {
    const esc = escalationPolicy({ policy: () => withCase[0]!.policy });
    const now = new Date(Math.max(...withCase.map((i) => i.at.getTime())));
    await scheduleCaseEscalations(
      db,
      esc,
      withCase.map((i) => i.case!),
      now,
    ).catch((err: unknown) => log.error('scheduling escalations failed', { error: String(err) }));
  }
  for (const i of items) {
    if (!i.incident) continue;
    await db
      .transaction((tx) => raiseIncident(tx, i.incident!))
      .catch((err: unknown) =>
        log.error('raising an incident failed', { rule: i.incident!.rule, error: String(err) }),
      );
  }
}
