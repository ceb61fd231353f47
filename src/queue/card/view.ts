import type { Ctx } from '../../ctx.js';
import type { Principal } from '../../keys/index.js';
import { loadCard, type CaseCard } from './card.js';
import { findCardTransaction } from './card-queries.js';
import { caseClock } from '../clock/clock.js';
import { queueConfigOf } from '../config-of.js';
import { lockCase } from '../lease.js';
import { requireGroup } from '../groups/membership.js';
import { listClockEvents, type CaseState } from '../queries.js';
import type { SlaClock } from '../clock/sla-clock.js';

/** A case's long logs and system fields: the second call behind the card. */
export interface CaseDetails {
  case_id: string;
  clocks: { stage: number; clock: ReturnType<typeof presentClock> }[];
  clock_events: { stage: number; kind: string; at: string; reason: string | null; actor: string }[];
  timeline: { kind: string; actor: string; at: string }[];
  model: unknown;
  telemetry: unknown;
  policy_version: string;
}

/** A case's card for a holder or a member of its group (`forbidden` otherwise); reads only. */
export async function getCard(ctx: Ctx, by: Principal, caseId: string): Promise<CaseCard> {
  const config = queueConfigOf(ctx.policy());
  return ctx.db.transaction(async (tx) => {
    const c = await visibleCase(tx, ctx, by, caseId);
    return loadCard(tx, config, by, c, ctx.clock());
  });
}

/** The case's clocks (end-to-end and per stage), clock events and step timeline; same access as the card. */
export async function getCaseDetails(ctx: Ctx, by: Principal, caseId: string): Promise<CaseDetails> {
  const config = queueConfigOf(ctx.policy());
  const now = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    const c = await visibleCase(tx, ctx, by, caseId);
    const events = await listClockEvents(tx, by.tenantId, caseId);
    const stages = [...new Set(events.map((e) => e.stage))].sort();
    const t = await findCardTransaction(tx, by.tenantId, c.transaction_id);
    const { rows } = await tx.query<{ kind: string; actor: string; at: Date }>(
      `select kind, actor, at from audit_entries where tenant_id = $1 and case_id = $2 order by seq`,
      [by.tenantId, caseId],
    );
    return {
      case_id: caseId,
      clocks: stages.map((stage) => ({
        stage,
        clock: presentClock(caseClock(config, c, events, now, stage)),
      })),
      clock_events: events.map((e) => ({ ...e, at: e.at.toISOString() })),
      timeline: rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() })),
      model: t.model,
      telemetry: t.telemetry,
      policy_version: t.policy_version,
    };
  });
}

async function visibleCase(
  tx: Parameters<typeof lockCase>[0],
  ctx: Ctx,
  by: Principal,
  caseId: string,
): Promise<CaseState> {
  const c = await lockCase(tx, by, caseId, false);
  if (c.claimed_by !== by.keyId) await requireGroup(tx, queueConfigOf(ctx.policy()), by, c.group_name);
  return c;
}

/** An SLA clock as JSON: ISO times, minutes rounded to the second. */
export function presentClock(k: SlaClock) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const min = (m: number) => Math.round(m * 60) / 60;
  return {
    state: k.state,
    started_at: iso(k.started_at),
    stopped_at: iso(k.stopped_at),
    paused_since: iso(k.paused_since),
    elapsed_minutes: min(k.elapsed_minutes),
    paused_minutes: min(k.paused_minutes),
    remaining_minutes: min(k.remaining_minutes),
    due_at: iso(k.due_at),
    original_due_at: iso(k.original_due_at),
    breached: k.breached,
  };
}
