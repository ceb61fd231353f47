import type { Ctx } from '../../ctx.js';
import { listSafePatterns } from './queries.js';

/** A safe pattern as the API shows it: its counts, its rule's setting, and whether it releases now. */
export interface SafePatternView {
  rule_id: string;
  fingerprint: string;
  approvals: number;
  reversals: number;
  last_approved_at: string | null;
  last_reversed_at: string | null;
  /** The rule's `safe_pattern.after` in the policies in force; null when no active rule has one. */
  after: number | null;
  enabled: boolean;
  /** True when the next transaction of this pattern is released with a QA sample instead of held. */
  auto_release: boolean;
}

/** The caller's tenant's safe patterns, with the rule settings of the policies in force. */
export async function describeSafePatterns(ctx: Ctx, tenantId: string): Promise<SafePatternView[]> {
  const { primary, workflows } = ctx.policies.current();
  const settings = new Map<string, { after: number; enabled: boolean }>();
  for (const p of [...workflows.values(), primary]) {
    for (const r of p.doc.rules)
      if (r.then.safe_pattern && !settings.has(r.id)) settings.set(r.id, r.then.safe_pattern);
  }
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return (await listSafePatterns(ctx.db, tenantId)).map((row) => {
    const s = settings.get(row.rule_id);
    return {
      ...row,
      last_approved_at: iso(row.last_approved_at),
      last_reversed_at: iso(row.last_reversed_at),
      after: s?.after ?? null,
      enabled: s?.enabled ?? false,
      auto_release: s !== undefined && s.enabled && row.approvals >= s.after,
    };
  });
}
