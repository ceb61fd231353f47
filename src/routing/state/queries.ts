import type { Queryable } from '../../db/index.js';
import type { CounterLookup } from '../facts.js';

/** An open case intake may fold a repeat into: its winning rule and when it opened. */
export interface FoldCandidate {
  case_id: string;
  rule_id: string | null;
  opened_at: string;
}

/** What routing reads from storage before it routes one transaction. */
export interface RoutingHistory {
  counts: Record<string, number>;
  folds: FoldCandidate[];
  /** Unchanged approvals since the last reversal, per rule id, for this fingerprint. */
  approvals: Record<string, number>;
}

/** Nothing seen before: what a policy without counters, folds or safe patterns routes with. */
export const NO_HISTORY: RoutingHistory = { counts: {}, folds: [], approvals: {} };

// One round trip for all three: counters over their windows, open cases with this fingerprint
// (newest first) and the fingerprint's safe-pattern approvals.
const ROUTING_HISTORY = `select
  (select coalesce(json_object_agg(c.name, (
     select count(*) from counter_hits h
     where h.tenant_id = $1 and h.counter = c.name and h.key = c.key and h.at > c.since)), '{}')
   from unnest($2::text[], $3::text[], $4::timestamptz[]) as c(name, key, since)) as counts,
  (select coalesce(json_agg(json_build_object('case_id', r.case_id, 'rule_id', r.rule_id, 'opened_at', r.opened_at)
     order by r.opened_at desc), '[]')
   from case_routes r join cases k on k.tenant_id = r.tenant_id and k.id = r.case_id
   where r.tenant_id = $1 and r.fingerprint = $5 and r.opened_at > $6 and k.status <> 'closed') as folds,
  (select coalesce(json_object_agg(p.rule_id, p.approvals), '{}')
   from safe_patterns p where p.tenant_id = $1 and p.fingerprint = $5) as approvals`;

/** Loads counters, fold candidates (opened after `foldSince`) and safe-pattern approvals. */
export async function loadRoutingHistory(
  q: Queryable,
  tenantId: string,
  counters: CounterLookup[],
  fingerprint: string,
  foldSince: Date,
): Promise<RoutingHistory> {
  const { rows } = await q.query<{ counts: unknown; folds: unknown; approvals: unknown }>(ROUTING_HISTORY, [
    tenantId,
    counters.map((c) => c.name),
    counters.map((c) => c.key),
    counters.map((c) => c.since.toISOString()),
    fingerprint,
    foldSince.toISOString(),
  ]);
  const row = rows[0]!;
  // pg parses json columns; PGlite too, but a driver may hand back text: accept both.
  const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  const counts = json<Record<string, number | string>>(row.counts);
  return {
    counts: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])),
    folds: json<FoldCandidate[]>(row.folds),
    approvals: json<Record<string, number>>(row.approvals),
  };
}

/** A counter_hits row. */
export interface CounterHitRow {
  tenant_id: string;
  counter: string;
  key: string;
  at: string;
}

/** A case_routes row to insert, or (for a fold) the count to add to an existing case's row. */
export interface CaseRouteRow {
  tenant_id: string;
  case_id: string;
  rule_id: string | null;
  fingerprint: string;
  policy_version: string;
  fold_count: number;
  opened_at: string;
  last_folded_at: string | null;
}

/** The CTE inserting counter hits from the JSON parameter `param`, for intake's batch statement. */
export function insertCounterHitsSql(param: string): string {
  return `insert into counter_hits (tenant_id, counter, key, at)
    select tenant_id, counter, key, at from jsonb_to_recordset(${param}::jsonb)
      as x(tenant_id text, counter text, key text, at timestamptz)`;
}

/**
 * The CTE upserting case routes from the JSON parameter `param`: a new case inserts its row, a fold
 * adds to the count of the case it joined. Rows must be unique per case (`mergeCaseRoutes`).
 */
export function upsertCaseRoutesSql(param: string): string {
  return `insert into case_routes (tenant_id, case_id, rule_id, fingerprint, policy_version, fold_count, opened_at,
                                   last_folded_at)
    select tenant_id, case_id, rule_id, fingerprint, policy_version, fold_count, opened_at, last_folded_at
    from jsonb_to_recordset(${param}::jsonb) as x(tenant_id text, case_id text, rule_id text, fingerprint text,
      policy_version text, fold_count int, opened_at timestamptz, last_folded_at timestamptz)
    on conflict (tenant_id, case_id) do update
      set fold_count = case_routes.fold_count + excluded.fold_count,
          last_folded_at = greatest(case_routes.last_folded_at, excluded.last_folded_at)`;
}

/** Merges rows for one case (several folds in one batch) so the upsert touches each case once. */
export function mergeCaseRoutes(rows: CaseRouteRow[]): CaseRouteRow[] {
  const byCase = new Map<string, CaseRouteRow>();
  for (const r of rows) {
    const key = `${r.tenant_id}\u0000${r.case_id}`;
    const had = byCase.get(key);
    if (!had) byCase.set(key, { ...r });
    else {
      had.fold_count += r.fold_count;
      if (r.last_folded_at && (!had.last_folded_at || r.last_folded_at > had.last_folded_at))
        had.last_folded_at = r.last_folded_at;
    }
  }
  return [...byCase.values()];
}

/** How a case was routed, or undefined for a case intake did not open through routing. */
export async function findCaseRoute(
  q: Queryable,
  tenantId: string,
  caseId: string,
): Promise<{ rule_id: string | null; fingerprint: string; fold_count: number } | undefined> {
  const { rows } = await q.query<{ rule_id: string | null; fingerprint: string; fold_count: number }>(
    `select rule_id, fingerprint, fold_count from case_routes where tenant_id = $1 and case_id = $2`,
    [tenantId, caseId],
  );
  return rows[0];
}

/** Counts one unchanged approval of a safe pattern. */
export async function countPatternApproval(
  q: Queryable,
  p: { tenantId: string; ruleId: string; fingerprint: string; at: Date },
): Promise<void> {
  await q.query(
    `insert into safe_patterns (tenant_id, rule_id, fingerprint, approvals, last_approved_at) values ($1, $2, $3, 1, $4)
     on conflict (tenant_id, rule_id, fingerprint) do update
       set approvals = safe_patterns.approvals + 1, last_approved_at = excluded.last_approved_at`,
    [p.tenantId, p.ruleId, p.fingerprint, p.at],
  );
}

/** Records a reversal (an edit or reject): the pattern's approvals start again from zero. */
export async function reversePattern(
  q: Queryable,
  p: { tenantId: string; ruleId: string; fingerprint: string; at: Date },
): Promise<void> {
  await q.query(
    `insert into safe_patterns (tenant_id, rule_id, fingerprint, approvals, reversals, last_reversed_at)
     values ($1, $2, $3, 0, 1, $4)
     on conflict (tenant_id, rule_id, fingerprint) do update
       set approvals = 0, reversals = safe_patterns.reversals + 1, last_reversed_at = excluded.last_reversed_at`,
    [p.tenantId, p.ruleId, p.fingerprint, p.at],
  );
}

/**
 * Settles the transactions folded into a decided case (those still held): approve releases each
 * one's own redacted output, anything else blocks them. Returns their ids.
 */
export async function settleFoldedTransactions(
  q: Queryable,
  p: { tenantId: string; caseId: string; release: boolean; at: Date },
): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `update transactions
       set verdict = case when $3 then 'released' else 'blocked' end,
           released_output = case when $3 then redacted_output end, decided_at = $4
     where tenant_id = $1 and case_id = $2 and verdict = 'held' returning id`,
    [p.tenantId, p.caseId, p.release, p.at],
  );
  return rows.map((r) => r.id);
}

/** Deletes counter hits older than `before`; returns how many went. */
export async function deleteCounterHitsBefore(q: Queryable, before: Date): Promise<number> {
  const { rowCount } = await q.query(`delete from counter_hits where at < $1`, [before]);
  return rowCount;
}

/** A safe pattern's learning state. */
export interface SafePatternRow {
  rule_id: string;
  fingerprint: string;
  approvals: number;
  reversals: number;
  last_approved_at: Date | null;
  last_reversed_at: Date | null;
}

/** A tenant's safe patterns, most approved first. */
export async function listSafePatterns(q: Queryable, tenantId: string): Promise<SafePatternRow[]> {
  const { rows } = await q.query<SafePatternRow>(
    `select rule_id, fingerprint, approvals, reversals, last_approved_at, last_reversed_at
     from safe_patterns where tenant_id = $1 order by approvals desc, rule_id, fingerprint limit 1000`,
    [tenantId],
  );
  return rows;
}
