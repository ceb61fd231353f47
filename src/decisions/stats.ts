import type { Ctx } from '../ctx.js';
import type { Principal } from '../keys/index.js';
import { cohenKappa, fleissKappa } from './agreement.js';

/** Agreement of blind reviewers per rule (Fleiss' κ) and of each reviewer with the final outcome (Cohen's κ). */
export interface AgreementReport {
  rules: { rule: string | null; cases: number; raters: number; fleiss_kappa: number | null }[];
  reviewers: { reviewer_key_id: string; cases: number; cohen_kappa: number | null; agreement: number }[];
}

interface ReviewedRow {
  case_id: string;
  rule: string | null;
  reviewer_key_id: string;
  action: string;
  final: string | null;
}

/**
 * Computes agreement over every case whose blind reviews are all in: per rule, Fleiss' κ of the
 * reviews (cases grouped by their number of reviewers, the largest group reported); per reviewer,
 * Cohen's κ of their review against the case's final decision. Computed from the stored reviews
 * on each call, so it never goes stale. κ is null where undefined (no cases).
 */
export async function agreementReport(ctx: Ctx, by: Principal): Promise<AgreementReport> {
  const { rows } = await ctx.db.query<ReviewedRow>(
    `select r.case_id, r.rule, r.reviewer_key_id, r.action, c.decision as final
     from case_reviews r join cases c on c.tenant_id = r.tenant_id and c.id = r.case_id
     where r.tenant_id = $1
       and (select count(*) from case_reviews x where x.tenant_id = r.tenant_id and x.case_id = r.case_id) >= c.reviewers_required
     order by r.case_id, r.reviewed_at, r.reviewer_key_id`,
    [by.tenantId],
  );
  const byCase = new Map<string, ReviewedRow[]>();
  for (const r of rows) byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), r]);
  const byRule = new Map<string | null, string[][]>();
  for (const reviews of byCase.values()) {
    const rule = reviews[0]!.rule;
    byRule.set(rule, [...(byRule.get(rule) ?? []), reviews.map((r) => r.action)]);
  }
  const rules = [...byRule].map(([rule, items]) => {
    const sizes = new Map<number, string[][]>();
    for (const i of items) sizes.set(i.length, [...(sizes.get(i.length) ?? []), i]);
    const largest = [...sizes.values()].sort((a, b) => b.length - a.length)[0]!;
    return {
      rule,
      cases: largest.length,
      raters: largest[0]!.length,
      fleiss_kappa: finite(fleissKappa(largest)),
    };
  });
  const byReviewer = new Map<string, [string, string][]>();
  for (const r of rows) {
    if (r.final === null) continue;
    byReviewer.set(r.reviewer_key_id, [...(byReviewer.get(r.reviewer_key_id) ?? []), [r.action, r.final]]);
  }
  const reviewers = [...byReviewer].map(([id, pairs]) => ({
    reviewer_key_id: id,
    cases: pairs.length,
    cohen_kappa: finite(cohenKappa(pairs)),
    agreement: pairs.filter(([a, b]) => a === b).length / pairs.length,
  }));
  return { rules, reviewers };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null;
}
