import type { Ctx } from '../ctx.js';
import { businessMinutesBetween, parseCalendar, type Calendar } from '../queue/clock/calendar.js';
import {
  countAuditComplete,
  countSafetyIncidents,
  selectBacklog,
  selectCases,
  selectDecisions,
  selectFlow,
  selectLatestGoldenRuns,
} from './sla-queries.js';
import { groupBy, share, spread } from './stats.js';

/** Seed 1's SLA template targets. */
export const SLA_TARGETS = {
  automated_pass_rate: 0.95,
  human_review_pass_rate: 0.9,
  tat_critical_median_minutes: 15,
  tat_non_critical_median_business_minutes: 120,
  golden_accuracy: 0.92,
  safety_violation_rate_max: 0.001,
  audit_completeness: 1,
} as const;

/** The window and slice SLA metrics are computed over. */
export interface SlaQuery {
  tenantId: string;
  from: Date;
  to: Date;
  workflow: string | null;
}

const met = (value: number | null, target: number, atMost = false) =>
  value === null ? null : atMost ? value <= target : value >= target;

// The policy's business calendar when it has one (the queue issue adds it); 24×7 otherwise.
function policyCalendar(ctx: Ctx): Calendar | undefined {
  const raw = (ctx.policy().doc as { calendar?: unknown }).calendar;
  return raw === undefined ? undefined : parseCalendar(raw);
}

type Rows = {
  flow: Awaited<ReturnType<typeof selectFlow>>;
  decisions: Awaited<ReturnType<typeof selectDecisions>>;
  cases: Awaited<ReturnType<typeof selectCases>>;
  backlog: Awaited<ReturnType<typeof selectBacklog>>;
};

// Seed 2's queue metrics for one risk class.
function classMetrics(risk_class: string, rows: Rows, tat: (c: Rows['cases'][number]) => number) {
  const { flow, cases, decisions, backlog } = rows;
  const f = flow.find((r) => r.risk_class === risk_class);
  const cs = cases.filter((c) => c.risk_class === risk_class);
  const ds = decisions.filter((d) => d.risk_class === risk_class);
  const vs = ds.filter((d) => d.action !== 'escalate');
  const b = backlog.find((r) => r.risk_class === risk_class);
  const escalations = ds.filter((d) => d.action === 'escalate');
  const byReviewer = [...groupBy(vs, (d) => d.reviewer_key_id).values()].map((l) => l.length);
  const firstActed = cs.filter((c) => c.first_action_at !== null);
  const closedHere = cs.filter((c) => c.closed_at !== null);
  return {
    risk_class,
    transactions: f?.transactions ?? 0,
    automated_pass_rate: f ? share(f.gates_passed, f.transactions) : null,
    manual_review_share: f ? share(f.reviewed, f.transactions) : null,
    human_review_pass_rate: share(vs.filter((d) => d.action === 'approve').length, vs.length),
    tat_business_minutes: spread(closedHere.map(tat)),
    first_action_minutes: spread(
      firstActed.map(
        (c) => (new Date(c.first_action_at!).getTime() - new Date(c.entered_at).getTime()) / 60_000,
      ),
    ),
    sla_met: {
      first_action: share(firstActed.filter((c) => c.first_action_at! <= c.due_at).length, firstActed.length),
      closed: share(closedHere.filter((c) => c.closed_at! <= c.due_at).length, closedHere.length),
    },
    escalations: {
      total: escalations.length,
      before_breach: escalations.filter((d) => new Date(d.decided_at) < new Date(d.due_at)).length,
    },
    backlog: {
      open: b?.open ?? 0,
      overdue: b?.overdue ?? 0,
      overdue_share: b ? share(b.overdue, b.open) : null,
    },
    time_per_case_type: [...groupBy(ds, (d) => d.case_reason ?? '(none)')].map(([reason, l]) => ({
      reason,
      ...spread(l.map((d) => d.time_spent_ms)),
    })),
    top_reviewer_share: share(Math.max(0, ...byReviewer), vs.length),
  };
}

/**
 * Seed 1's SLA template and seed 2's queue metrics over a window, overall and per risk class:
 * medians and p95, never averages alone. TAT counts business minutes of the policy calendar.
 */
export async function computeSlaMetrics(ctx: Ctx, query: SlaQuery) {
  const scope = [query.tenantId, query.from, query.to, query.workflow] as const;
  const [flow, decisions, cases, backlog, incidents, audit, golden] = await Promise.all([
    selectFlow(ctx.db, ...scope),
    selectDecisions(ctx.db, ...scope),
    selectCases(ctx.db, ...scope),
    selectBacklog(ctx.db, query.tenantId, query.to, query.workflow),
    countSafetyIncidents(ctx.db, ...scope),
    countAuditComplete(ctx.db, ...scope),
    selectLatestGoldenRuns(ctx.db, query.tenantId),
  ]);
  const cal = policyCalendar(ctx);
  const tat = (c: (typeof cases)[number]) =>
    businessMinutesBetween(cal, new Date(c.entered_at), new Date(c.closed_at!));
  const closed = cases.filter((c) => c.closed_at !== null);
  const verdicts = decisions.filter((d) => d.action !== 'escalate');
  const sum = (rows: typeof flow, k: 'transactions' | 'gates_passed' | 'reviewed' | 'released') =>
    rows.reduce((a, r) => a + r[k], 0);
  const passRate = share(sum(flow, 'gates_passed'), sum(flow, 'transactions'));
  const humanPass = share(verdicts.filter((d) => d.action === 'approve').length, verdicts.length);
  const critical = spread(closed.filter((c) => c.risk_class === 'critical').map(tat));
  const nonCritical = spread(closed.filter((c) => c.risk_class !== 'critical').map(tat));
  const goldenItems = golden.reduce((a, g) => a + g.items, 0);
  const goldenAccuracy = share(
    golden.reduce((a, g) => a + g.matched, 0),
    goldenItems,
  );
  const safety = share(incidents, sum(flow, 'released'));
  const completeness = share(audit.complete, audit.total);

  const classes = [...new Set([...flow, ...cases, ...decisions, ...backlog].map((r) => r.risk_class))].sort();
  const byClass = classes.map((risk_class) =>
    classMetrics(risk_class, { flow, decisions, cases, backlog }, tat),
  );
  const reasons = [...groupBy(decisions, (d) => `${d.action}\u0000${d.reason ?? ''}`)]
    .map(([k, l]) => ({ action: k.split('\u0000')[0]!, reason: l[0]!.reason, count: l.length }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 10);
  return {
    window: { from: query.from.toISOString(), to: query.to.toISOString() },
    workflow: query.workflow,
    calendar: cal ? cal.time_zone : null,
    sla: {
      automated_pass_rate: {
        value: passRate,
        target: SLA_TARGETS.automated_pass_rate,
        met: met(passRate, 0.95),
      },
      human_review_pass_rate: {
        value: humanPass,
        target: SLA_TARGETS.human_review_pass_rate,
        met: met(humanPass, 0.9),
      },
      tat_critical_minutes: { ...critical, target_median: 15, met: met(critical.median, 15, true) },
      tat_non_critical_business_minutes: {
        ...nonCritical,
        target_median: 120,
        met: met(nonCritical.median, 120, true),
      },
      golden_accuracy: {
        value: goldenAccuracy,
        target: SLA_TARGETS.golden_accuracy,
        met: met(goldenAccuracy, 0.92),
        sets: golden,
      },
      safety_violation_rate: { value: safety, incidents, target_max: 0.001, met: met(safety, 0.001, true) },
      audit_completeness: { value: completeness, ...audit, target: 1, met: met(completeness, 1) },
    },
    by_risk_class: byClass,
    top_decision_reasons: reasons,
  };
}

/** What `GET /v1/metrics/sla` answers. */
export type SlaMetrics = Awaited<ReturnType<typeof computeSlaMetrics>>;
