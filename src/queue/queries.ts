import { appendAuditFrom } from '../audit/index.js';
import type { Queryable } from '../db/index.js';
import { clockEventInsertCtes, type ClockEventRow } from './open.js';

/** A cases row as the queue reads it. */
export interface CaseState {
  id: string;
  transaction_id: string;
  status: 'open' | 'claimed' | 'paused' | 'closed';
  level: number;
  risk_class: string;
  risk_rank: number;
  reason: string | null;
  group_name: string | null;
  assigned_to: string | null;
  bump: number;
  sla_minutes: number;
  sla_calendar: string | null;
  created_at: Date;
  entered_at: Date;
  stage_entered_at: Date | null;
  due_at: Date;
  original_due_at: Date | null;
  first_action_at: Date | null;
  claimed_by: string | null;
  claimed_at: Date | null;
  lease_expires_at: Date | null;
  closed_at: Date | null;
  decision: string | null;
  breached: boolean;
  on_breach: string;
  fallback: string | null;
  checklist: string | null;
  checklist_items: string[];
  required_skills: string[];
  reviewers_required: number;
  matched_rule: string | null;
  fingerprint: string | null;
  paused_by: string | null;
}

const CASE_STATE = `id, transaction_id, status, level, risk_class, risk_rank, reason, group_name, assigned_to, bump,
  sla_minutes, sla_calendar, created_at, entered_at, stage_entered_at, due_at, original_due_at, first_action_at,
  claimed_by, claimed_at, lease_expires_at, closed_at, decision, breached, on_breach, fallback, checklist,
  checklist_items, required_skills, reviewers_required, matched_rule, fingerprint, paused_by`;

/** Reads one case; `lock` takes its row lock for the rest of the transaction. */
export async function findCase(
  q: Queryable,
  tenantId: string,
  id: string,
  lock = false,
): Promise<CaseState | undefined> {
  const { rows } = await q.query<CaseState>(
    `select ${CASE_STATE} from cases where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`,
    [tenantId, id],
  );
  return rows[0];
}

/** Sets the given columns of one case. */
export async function updateCase(
  q: Queryable,
  tenantId: string,
  id: string,
  set: Partial<Record<keyof CaseState, unknown>>,
): Promise<void> {
  const keys = Object.keys(set);
  const assignments = keys.map((k, i) => `${k} = $${i + 3}`).join(', ');
  await q.query(`update cases set ${assignments} where tenant_id = $1 and id = $2`, [
    tenantId,
    id,
    ...keys.map((k) => set[k as keyof CaseState]),
  ]);
}

/** Appends clock events of any stage (any number, one statement). */
export async function insertClockEvents(q: Queryable, events: ClockEventRow[]): Promise<void> {
  if (events.length === 0) return;
  await q.query(`with ${clockEventInsertCtes('$1')} select 1`, [JSON.stringify(events)]);
}

/** A stored clock event. */
export interface StoredClockEvent {
  stage: number;
  kind: ClockEventRow['kind'];
  at: Date;
  reason: string | null;
  actor: string;
}

/** A case's clock events of every stage (0 = end-to-end), each stage in the order written. */
export async function listClockEvents(
  q: Queryable,
  tenantId: string,
  caseId: string,
): Promise<StoredClockEvent[]> {
  const { rows } = await q.query<StoredClockEvent>(
    `select 0 as stage, kind, at, reason, actor, seq from case_clock_events where tenant_id = $1 and case_id = $2
     union all
     select stage, kind, at, reason, actor, seq from case_stage_clock_events where tenant_id = $1 and case_id = $2
     order by stage, seq`,
    [tenantId, caseId],
  );
  return rows.map((r) => ({
    stage: r.stage,
    kind: r.kind,
    at: new Date(r.at),
    reason: r.reason,
    actor: r.actor,
  }));
}

/** How many cases a key holds now, per group. */
export async function countHeldByGroup(
  q: Queryable,
  tenantId: string,
  keyId: string,
): Promise<Map<string, number>> {
  const { rows } = await q.query<{ group_name: string; n: number }>(
    `select group_name, count(*)::int as n from cases
     where tenant_id = $1 and claimed_by = $2 and status = 'claimed' group by group_name`,
    [tenantId, keyId],
  );
  return new Map(rows.map((r) => [r.group_name, r.n]));
}

const CLAIM_SET = `status = 'claimed', claimed_by = $2, claimed_at = $3, lease_expires_at = $4,
  first_action_at = coalesce(c.first_action_at, $3)`;

// A reviewer never gets a case twice when it needs several blind reviews. The `or` keeps the check a
// per-row subplan run only for such cases, instead of an anti-join over all of the reviewer's reviews.
const NOT_REVIEWED = `(x.reviewers_required = 1 or not exists (select 1 from case_reviews r
  where r.tenant_id = x.tenant_id and r.case_id = x.id and r.reviewer_key_id = $2))`;

// Most cases need no skills. Said this way, the statistics on required_skills tell the planner so;
// a bare `<@` on a parameter looks selective, the claim's estimated cost grows a thousandfold, and
// PostgreSQL compiles it with JIT on every call (80 ms).
const HAS_SKILLS = `(x.required_skills = '{}' or x.required_skills <@ g.skills)`;

/**
 * Claims the key's next case and logs the claim, in one statement: the most urgent open case
 * assigned to the key, else the most urgent free case of the groups `$5` whose required skills the
 * key has there (one index scan per group on cases_queue_order, stopping at the first such row
 * nobody holds: SKIP LOCKED). The group scan runs only when no assigned case was found (`limit 1`
 * over `union all`), and one UPDATE serves both: a second UPDATE node on `cases` cost ~10 % of a
 * lone claim in executor start-up. One statement means one round trip and one commit per claim,
 * with its audit entry in the same transaction.
 * Parameters: tenant, key, now, lease end, groups as JSON `[{name, skills}]`, lease end as ISO text
 * (for the audit body).
 */
export const CLAIM_SQL = `with claimed as (
    update cases c set ${CLAIM_SET}
    where c.tenant_id = $1 and c.id = (
      select id from (
        select x.id from cases x where x.tenant_id = $1 and x.assigned_to = $2 and x.status = 'open'
        order by x.queue_rank, x.due_at, x.id limit 1 for update skip locked) assigned
      union all
      select id from (
        select h.id from jsonb_to_recordset($5::jsonb) as g(name text, skills text[]) cross join lateral (
          select x.id, x.queue_rank, x.due_at from cases x
          where x.tenant_id = $1 and x.group_name = g.name and x.status = 'open' and x.assigned_to is null
            and ${HAS_SKILLS} and ${NOT_REVIEWED}
          order by x.queue_rank, x.due_at, x.id limit 1 for update skip locked) h
        order by h.queue_rank, h.due_at, h.id limit 1) grouped
      limit 1)
    returning c.*),
  logged as (${appendAuditFrom(`(select tenant_id, 'case.claimed' as kind, transaction_id, id as case_id, $2 as actor,
      $3::timestamptz as at, jsonb_build_object('group', group_name, 'level', level, 'lease_expires_at', $6::text) as body
    from claimed) e`)})
  select ${CASE_STATE} from claimed`;

/** One reviewer's claim: the groups (with the skills the key has in each) it may take cases from. */
export interface ClaimRequest {
  tenantId: string;
  keyId: string;
  now: Date;
  leaseUntil: Date;
  groups: { name: string; skills: readonly string[] }[];
}

/** Runs `CLAIM_SQL`: the claimed case, or undefined when none is free for the key. */
export async function claimCase(q: Queryable, p: ClaimRequest): Promise<CaseState | undefined> {
  const { rows } = await q.query<CaseState>(CLAIM_SQL, [
    p.tenantId,
    p.keyId,
    p.now,
    p.leaseUntil,
    JSON.stringify(p.groups),
    p.leaseUntil.toISOString(),
  ]);
  return rows[0];
}

/**
 * `CLAIM_SQL` for several keys of one tenant that work the same groups with the same skills, in one
 * statement: one scan of each group's queue order, one commit, one audit insert. Each key first
 * gets a case assigned to it. The others, in request order, each take the most urgent of the
 * locked free cases that no earlier key took and that it may review (not a blind review it already
 * gave): what they would get claiming one after another. A key that finds none among them gets
 * nothing here; the caller claims for it alone.
 * Parameters: tenant, groups as JSON `[{name, skills}]`, requests as JSON `[{key, ord, at, lease}]`
 * (no key twice; `lease` as ISO text, for the audit body).
 *
 * `n`, at least the number of requests, is written into the text rather than passed: with `LIMIT $4`
 * the generic plan guesses a tenth of the table and scans it (1.2 s on 300 k open cases), so
 * PostgreSQL planned the statement afresh on every execution (~2 ms of CPU in EXPLAIN). With the
 * number in the text each size keeps a cached plan that uses the index.
 */
export const batchClaimSql = (n: number) => `with recursive req as (
    select key, ord, at, lease from jsonb_to_recordset($3::jsonb) as r(key text, ord int, at timestamptz, lease text)),
  assigned as (
    select r.key, p.id from req r cross join lateral (
      select x.id from cases x where x.tenant_id = $1 and x.assigned_to = r.key and x.status = 'open'
      order by x.queue_rank, x.due_at, x.id limit 1 for update skip locked) p),
  unassigned as (
    select key, row_number() over (order by ord) as rn from req where key not in (select key from assigned)),
  candidates as (
    select id, reviewers_required, row_number() over (order by queue_rank, due_at, id) as rn from (
      select h.* from jsonb_to_recordset($2::jsonb) as g(name text, skills text[]) cross join lateral (
        select x.id, x.queue_rank, x.due_at, x.reviewers_required from cases x
        where x.tenant_id = $1 and x.group_name = g.name and x.status = 'open' and x.assigned_to is null
          and ${HAS_SKILLS}
        order by x.queue_rank, x.due_at, x.id limit ${n} for update skip locked) h
      order by h.queue_rank, h.due_at, h.id limit ${n}) s),
  reviewed as (
    select v.case_id, v.reviewer_key_id from case_reviews v
    where v.tenant_id = $1 and v.case_id in (select id from candidates where reviewers_required > 1)),
  -- Key by key in request order, as claims one after another would go.
  taken (rn, key, id, used) as (
    select 0::bigint, null::text, null::text, '{}'::text[]
    union all
    select u.rn, u.key, p.id, t.used || array_remove(array[p.id], null)
    from taken t join unassigned u on u.rn = t.rn + 1
    left join lateral (
      select c.id from candidates c
      where c.id <> all(t.used)
        and not exists (select 1 from reviewed v where v.case_id = c.id and v.reviewer_key_id = u.key)
      order by c.rn limit 1) p on true),
  picks as (select key, id from assigned union all select key, id from taken where id is not null),
  claimed as (
    update cases c set status = 'claimed', claimed_by = p.key, claimed_at = r.at,
      lease_expires_at = r.lease::timestamptz, first_action_at = coalesce(c.first_action_at, r.at)
    from picks p join req r using (key) where c.tenant_id = $1 and c.id = p.id
    returning c.*, r.lease),
  logged as (${appendAuditFrom(`(select tenant_id, 'case.claimed' as kind, transaction_id, id as case_id,
      claimed_by as actor, claimed_at as at,
      jsonb_build_object('group', group_name, 'level', level, 'lease_expires_at', lease) as body
    from claimed) e`)})
  select ${CASE_STATE} from claimed`;

/**
 * Runs `batchClaimSql` for requests of one tenant with the same groups, no key twice: each
 * request's case, or undefined.
 */
export async function claimCaseBatch(q: Queryable, reqs: ClaimRequest[]): Promise<(CaseState | undefined)[]> {
  // Powers of two: six texts for batches of 1–32, so every pooled connection soon has a cached
  // plan for each; a batch of five locks up to eight heads, and releases the rest at commit.
  const { rows } = await q.query<CaseState>(batchClaimSql(2 ** Math.ceil(Math.log2(reqs.length))), [
    reqs[0]!.tenantId,
    JSON.stringify(reqs[0]!.groups),
    JSON.stringify(
      reqs.map((r, ord) => ({
        key: r.keyId,
        ord,
        at: r.now.toISOString(),
        lease: r.leaseUntil.toISOString(),
      })),
    ),
  ]);
  const byKey = new Map(rows.map((r) => [r.claimed_by, r]));
  return reqs.map((r) => byKey.get(r.keyId));
}

/**
 * Returns up to `limit` cases whose lease ran out to the queue, each with a `case.lease_expired`
 * audit entry, in one statement; returns how many.
 */
export async function reopenExpired(
  q: Queryable,
  now: Date,
  limit: number,
  tenantId?: string,
): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `with expired as (
       select tenant_id, id, claimed_by from cases
       where status = 'claimed' and lease_expires_at < $1 and ($3::text is null or tenant_id = $3)
       limit $2 for update skip locked),
     reopened as (
       update cases c set status = 'open', claimed_by = null, claimed_at = null, lease_expires_at = null
       from expired e where c.tenant_id = e.tenant_id and c.id = e.id
       returning c.tenant_id, c.id, c.transaction_id, e.claimed_by),
     logged as (${appendAuditFrom(`(select tenant_id, 'case.lease_expired' as kind, transaction_id, id as case_id,
         'system' as actor, $1::timestamptz as at, jsonb_build_object('held_by', claimed_by) as body
       from reopened) e`)})
     select count(*)::int as n from reopened`,
    [now, limit, tenantId ?? null],
  );
  return rows[0]!.n;
}
