import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import type { ScheduledTask } from '../scheduler/index.js';
import { alertDedupKey, nextAlertState } from './alerts.js';
import type { SloSet } from './definition.js';
import { selectActiveTenants, selectAlerts, upsertAlert, type AlertRow } from './queries.js';
import type { SloFigures } from './evaluate.js';
import { computeSloReport, type SloReport } from './status.js';

/** A fire or resolve of one SLO alert; `dedup_key` is the same for both. */
export interface SloAlertEvent {
  tenant_id: string;
  slo: string;
  /** '' for the SLO itself, `<field>=<value>` for a sub-SLO. */
  sub: string;
  rule: string;
  severity: string;
  /** True for the seed's auto-rollback row: the receiver may cut traffic to a canary. */
  auto_rollback: boolean;
  state: 'firing' | 'ok';
  dedup_key: string;
  at: string;
  detail: { burn_rates: Record<string, number>; budget_remaining: number | null; p_value?: number };
}

/**
 * The seam to the notification outbox (escalation issue #7): called once per fire and once per
 * resolve, inside the transaction that stores the new alert state, so both commit together.
 */
export type SloAlertSink = (tx: Queryable, event: SloAlertEvent) => Promise<void>;

/** One alert condition of an SLO or sub-SLO as evaluated now. */
interface Condition {
  figures: SloFigures;
  alert: SloFigures['alerts'][number];
}

/** Every alert condition of a report, keyed `slo\0sub\0rule`. */
function conditions(report: SloReport): Map<string, Condition> {
  const out = new Map<string, Condition>();
  for (const slo of report.slos) {
    for (const [sub, figures] of [['', slo] as const, ...slo.subs.map((s) => [s.sub, s] as const)]) {
      for (const alert of figures.alerts)
        out.set(`${slo.name}\u0000${sub}\u0000${alert.rule}`, { figures, alert });
    }
  }
  return out;
}

/** The dedup key of an alert on an SLO or one of its sub-SLOs. */
export function subDedupKey(slo: string, sub: string, rule: string): string {
  return sub === '' ? alertDedupKey(slo, rule) : `${alertDedupKey(slo, rule)}/${encodeURIComponent(sub)}`;
}

/**
 * Evaluates every alert of one tenant at `ctx.clock()` and stores the transitions, each with its
 * audit entry and one call of the sink, in one transaction. Alerts no longer evaluated (an SLO
 * removed from the file) resolve. Returns the transitions.
 */
export async function evaluateTenantAlerts(
  ctx: Ctx,
  set: SloSet,
  tenantId: string,
): Promise<SloAlertEvent[]> {
  const now = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    // Two processes evaluating one tenant at once would both see "ok" and both notify.
    await tx.query(`select pg_advisory_xact_lock(hashtext('gatehouse.slo.alerts:' || $1))`, [tenantId]);
    const report = await computeSloReport(tx, set, tenantId, now);
    const stored = new Map(
      (await selectAlerts(tx, tenantId)).map((r) => [`${r.slo}\u0000${r.sub}\u0000${r.rule}`, r]),
    );
    const current = conditions(report);
    const events: SloAlertEvent[] = [];
    for (const key of new Set([...current.keys(), ...stored.keys()])) {
      const prev = stored.get(key);
      const cur = current.get(key);
      const t = nextAlertState(
        prev ? { state: prev.state, since: prev.since } : null,
        { firing: cur?.alert.firing ?? false },
        now,
      );
      if (!t.changed) continue;
      const [slo, sub, rule] = key.split('\u0000') as [string, string, string];
      const detail = {
        burn_rates: cur?.figures.burn_rates ?? {},
        budget_remaining: cur?.figures.budget_remaining ?? null,
        ...(cur?.figures.significance ? { p_value: cur.figures.significance.p_value } : {}),
      };
      const row: AlertRow = {
        tenant_id: tenantId,
        slo,
        sub,
        rule,
        state: t.state,
        since: t.since,
        dedup_key: subDedupKey(slo, sub, rule),
        detail,
      };
      await upsertAlert(tx, row, now);
      const event: SloAlertEvent = {
        tenant_id: tenantId,
        slo,
        sub,
        rule,
        severity: cur?.alert.severity ?? 'ticket',
        auto_rollback: cur?.alert.auto_rollback ?? false,
        state: t.state,
        dedup_key: row.dedup_key,
        at: now.toISOString(),
        detail,
      };
      await appendAudit(tx, [
        {
          tenantId,
          kind: t.state === 'firing' ? 'slo.alert.fired' : 'slo.alert.resolved',
          actor: 'system',
          at: now,
          body: { ...event },
        },
      ]);
      await ctx.slo.notify(tx, event);
      events.push(event);
    }
    return events;
  });
}

/** Evaluates the alerts of every tenant with recent traffic or a firing alert. */
export async function evaluateAllAlerts(ctx: Ctx): Promise<SloAlertEvent[]> {
  const since = new Date(ctx.clock().getTime() - 8 * 86_400_000);
  const events: SloAlertEvent[] = [];
  for (const tenant of await selectActiveTenants(ctx.db, since)) {
    events.push(...(await evaluateTenantAlerts(ctx, ctx.slo.set, tenant)));
  }
  return events;
}

/** The scheduled alert evaluation: every minute, after the rollup has run. */
export const sloAlertTask: ScheduledTask = {
  name: 'slo.alerts',
  everyMs: 60_000,
  run: async (ctx) => void (await evaluateAllAlerts(ctx)),
};
