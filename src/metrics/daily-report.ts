import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import { computeSlaMetrics, type SlaMetrics } from './sla.js';
import { selectDailyFacts, selectHourly, selectReviewerDays } from './sla-queries.js';
import { share } from './stats.js';

const DAY_MS = 86_400_000;
/** A manual-review share this many points above the previous week's is a deviation. */
export const MANUAL_SHARE_DEVIATION = 0.02;
/** A case type whose median time grew by this factor against the previous week is a deviation. */
export const CASE_TIME_DEVIATION = 1.5;

/** The UTC day [from, to) a report covers: `date` (YYYY-MM-DD) or today by the clock. */
export function reportDay(now: Date, date?: string): { from: Date; to: Date; date: string } {
  const day = date ?? now.toISOString().slice(0, 10);
  const from = new Date(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(from.getTime())) {
    throw new GatehouseError('invalid_request', `date '${day}' is not YYYY-MM-DD`, [
      { pointer: '/date', detail: 'expected YYYY-MM-DD' },
    ]);
  }
  return { from, to: new Date(from.getTime() + DAY_MS), date: day };
}

const totals = (m: SlaMetrics) => {
  const tx = m.by_risk_class.reduce((a, c) => a + c.transactions, 0);
  const reviewed = m.by_risk_class.reduce((a, c) => a + (c.manual_review_share ?? 0) * c.transactions, 0);
  const open = m.by_risk_class.reduce((a, c) => a + c.backlog.open, 0);
  const overdue = m.by_risk_class.reduce((a, c) => a + c.backlog.overdue, 0);
  return { tx, manual_share: share(reviewed, tx), open, overdue };
};

// Why the day may differ from the week before: new categories, a rule change, a missing reviewer.
async function likelyReasons(ctx: Ctx, tenantId: string, from: Date, to: Date): Promise<string[]> {
  const weekAgo = new Date(from.getTime() - 7 * DAY_MS);
  const [facts, reviewers] = await Promise.all([
    selectDailyFacts(ctx.db, tenantId, weekAgo, to),
    selectReviewerDays(ctx.db, tenantId, weekAgo, to),
  ]);
  const today = from.toISOString().slice(0, 10);
  const before = facts.filter((f) => f.day < today);
  const now = facts.find((f) => f.day === today);
  const reasons: string[] = [];
  const seen = (k: 'policy_versions' | 'workflows' | 'reasons') => new Set(before.flatMap((f) => f[k]));
  for (const w of now?.workflows ?? [])
    if (!seen('workflows').has(w)) reasons.push(`new category: workflow '${w}'`);
  for (const r of now?.reasons ?? [])
    if (!seen('reasons').has(r)) reasons.push(`new category: review reason '${r}'`);
  for (const v of now?.policy_versions ?? []) {
    if (before.length > 0 && !seen('policy_versions').has(v))
      reasons.push(`rule change: policy version '${v}'`);
  }
  const days = new Map<string, number>();
  for (const r of reviewers)
    if (r.day < today) days.set(r.reviewer_key_id, (days.get(r.reviewer_key_id) ?? 0) + 1);
  const active = new Set(reviewers.filter((r) => r.day === today).map((r) => r.reviewer_key_id));
  for (const [reviewer, n] of days) {
    if (n >= 3 && !active.has(reviewer))
      reasons.push(`missing reviewer: ${reviewer} decided on ${n} of the previous 7 days, none today`);
  }
  return reasons;
}

/**
 * Seed 2's daily control report on one screen: overdue now, share sent to manual review, time per
 * case type, top decision reasons, dependence on one person — each against the previous 7 days,
 * with hourly series for a chart and the likely reasons for any deviation.
 */
export async function computeDailyReport(ctx: Ctx, tenantId: string, date?: string) {
  const { from, to, date: day } = reportDay(ctx.clock(), date);
  const end = new Date(Math.min(to.getTime(), ctx.clock().getTime()));
  const [today, week, hourly] = await Promise.all([
    computeSlaMetrics(ctx, { tenantId, from, to: end, workflow: null }),
    computeSlaMetrics(ctx, {
      tenantId,
      from: new Date(from.getTime() - 7 * DAY_MS),
      to: from,
      workflow: null,
    }),
    selectHourly(ctx.db, tenantId, from, to),
  ]);
  const t = totals(today);
  const w = totals(week);
  const series = (k: 'transactions' | 'reviewed' | 'decisions') =>
    Array.from({ length: 24 }, (_, h) => hourly.find((r) => r.hour === h)?.[k] ?? 0);
  const weekTimes = new Map(
    week.by_risk_class.flatMap((c) =>
      c.time_per_case_type.map((x) => [`${c.risk_class}/${x.reason}`, x.median]),
    ),
  );
  const caseTypes = today.by_risk_class.flatMap((c) =>
    c.time_per_case_type.map((x) => ({
      risk_class: c.risk_class,
      ...x,
      previous_median: weekTimes.get(`${c.risk_class}/${x.reason}`) ?? null,
    })),
  );
  const deviations: string[] = [];
  if (t.overdue > 0) deviations.push(`${t.overdue} of ${t.open} open cases are past their SLA`);
  if (
    t.manual_share !== null &&
    w.manual_share !== null &&
    t.manual_share - w.manual_share >= MANUAL_SHARE_DEVIATION
  ) {
    deviations.push(
      `manual review share ${(t.manual_share * 100).toFixed(1)} % vs ${(w.manual_share * 100).toFixed(1)} % the week before`,
    );
  }
  for (const c of caseTypes) {
    if (c.median !== null && c.previous_median && c.median >= c.previous_median * CASE_TIME_DEVIATION) {
      deviations.push(
        `${c.risk_class}/${c.reason}: median time per case ${Math.round(c.median / 1000)} s vs ${Math.round(c.previous_median / 1000)} s`,
      );
    }
  }
  const single = today.by_risk_class.filter(
    (c) => c.top_reviewer_share === 1 && c.human_review_pass_rate !== null,
  );
  for (const c of single) deviations.push(`${c.risk_class}: every decision today was made by one reviewer`);
  return {
    date: day,
    window: today.window,
    overdue_now: {
      open: t.open,
      overdue: t.overdue,
      overdue_share: share(t.overdue, t.open),
      by_risk_class: today.by_risk_class.map((c) => ({ risk_class: c.risk_class, ...c.backlog })),
    },
    manual_review: {
      share: t.manual_share,
      previous_7d: w.manual_share,
      transactions: t.tx,
      hourly: { transactions: series('transactions'), reviewed: series('reviewed') },
    },
    time_per_case_type: caseTypes,
    top_decision_reasons: { reasons: today.top_decision_reasons, hourly_decisions: series('decisions') },
    dependence_on_one_person: today.by_risk_class.map((c) => ({
      risk_class: c.risk_class,
      top_reviewer_share: c.top_reviewer_share,
    })),
    deviations,
    likely_reasons: deviations.length > 0 ? await likelyReasons(ctx, tenantId, from, to) : [],
  };
}

/** What `GET /v1/reports/daily` answers. */
export type DailyReport = Awaited<ReturnType<typeof computeDailyReport>>;
