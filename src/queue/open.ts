import { GatehouseError } from '../errors.js';
import { defaultGroup, type QueueConfig } from './compile.js';
import { dueAt, resolveSla, riskClassOf } from './clock/sla.js';

/** A cases row as a case is opened. */
export interface CaseRow {
  tenant_id: string;
  id: string;
  transaction_id: string;
  status: 'open';
  level: number;
  risk_class: string;
  risk_rank: number;
  reason: string | null;
  sla_minutes: number;
  sla_calendar: string | null;
  /** When the source event was created (the transaction was received). */
  created_at: string;
  /** When the case entered the working queue: the SLA clock's start. */
  entered_at: string;
  stage_entered_at: string;
  due_at: string;
  original_due_at: string;
  group_name: string;
  on_breach: 'none' | 'fail_open' | 'fail_closed';
  checklist: string | null;
  checklist_items: string[];
  required_skills: string[];
  reviewers_required: number;
  matched_rule: string | null;
  fingerprint: string | null;
}

/** A clock event: stage 0 is the end-to-end clock (`case_clock_events`), stage n level n's own (`case_stage_clock_events`). */
export interface ClockEventRow {
  tenant_id: string;
  case_id: string;
  stage: number;
  kind: 'start' | 'pause' | 'resume' | 'stop' | 'warn' | 'breach';
  at: string;
  reason: string | null;
  actor: string;
}

/** Column names and SQL types of a cases row at opening, for batch inserts through jsonb_to_recordset. */
export const CASE_COLUMNS: [keyof CaseRow, string][] = [
  ['tenant_id', 'text'],
  ['id', 'text'],
  ['transaction_id', 'text'],
  ['status', 'text'],
  ['level', 'int'],
  ['risk_class', 'text'],
  ['risk_rank', 'int'],
  ['reason', 'text'],
  ['sla_minutes', 'int'],
  ['sla_calendar', 'text'],
  ['created_at', 'timestamptz'],
  ['entered_at', 'timestamptz'],
  ['stage_entered_at', 'timestamptz'],
  ['due_at', 'timestamptz'],
  ['original_due_at', 'timestamptz'],
  ['group_name', 'text'],
  ['on_breach', 'text'],
  ['checklist', 'text'],
  ['checklist_items', 'text[]'],
  ['required_skills', 'text[]'],
  ['reviewers_required', 'int'],
  ['matched_rule', 'text'],
  ['fingerprint', 'text'],
];

/**
 * The CTEs that insert clock event rows given as JSON in `param`: stage 0 into
 * `case_clock_events` (the end-to-end clock), stages 1–3 into `case_stage_clock_events`.
 */
export function clockEventInsertCtes(param: string): string {
  const cols = 'tenant_id, case_id, kind, at, reason, actor';
  const rows = `jsonb_to_recordset(${param}::jsonb)
    as x(tenant_id text, case_id text, stage int, kind text, at timestamptz, reason text, actor text)`;
  return `clock_e2e as (insert into case_clock_events (${cols}) select ${cols} from ${rows} where stage = 0),
  clock_stage as (insert into case_stage_clock_events (stage, ${cols}) select stage, ${cols} from ${rows} where stage > 0)`;
}

/** What opening a case needs: the routing result (read by the names agreed in POLICY-SHAPE.md). */
export interface OpenCaseInput {
  tenantId: string;
  caseId: string;
  transactionId: string;
  /** `route(policy, facts)`: risk_class, risk_rank, reason, level, group?, sla?, checklist?, skills?, reviewers?. */
  route: Record<string, unknown>;
  /** When the source event was created. */
  createdAt: Date;
  /** When the case enters the working queue; the clock starts here, not at `createdAt`. */
  enteredAt: Date;
  actor: string;
}

/**
 * Opens a case from a routing result: its row (group, SLA target and due time from the policy,
 * checklist, blind reviewers, breach fallback) and the first clock events — the end-to-end clock
 * and its level's stage clock, both started when the case enters the queue. Pure.
 */
export function openCase(
  policy: { doc: unknown; queue: QueueConfig },
  input: OpenCaseInput,
): { case: CaseRow; clockEvents: ClockEventRow[] } {
  const r = input.route;
  const level = typeof r.level === 'number' ? r.level : 1;
  const cls = riskClassOf(policy.doc, String(r.risk_class));
  const sla = resolveSla(policy.doc, r);
  const due = dueAt(policy.queue, sla, input.enteredAt).toISOString();
  const group = typeof r.group === 'string' ? r.group : defaultGroup(policy.queue, level).name;
  if (!policy.queue.groups.has(group)) throw new GatehouseError('policy_invalid', `unknown group "${group}"`);
  const checklist = typeof r.checklist === 'string' ? r.checklist : null;
  const items = checklist === null ? [] : [...(policy.queue.checklists[checklist] ?? [])];
  const reviewers = numberOr(r.reviewers, numberOr(cls.reviewers, 1));
  const onBreach = cls.on_breach === 'fail_open' || cls.on_breach === 'fail_closed' ? cls.on_breach : 'none';
  const matched = Array.isArray(r.matched_rules) ? (r.matched_rules as string[]) : [];
  const entered = input.enteredAt.toISOString();
  const kase: CaseRow = {
    tenant_id: input.tenantId,
    id: input.caseId,
    transaction_id: input.transactionId,
    status: 'open',
    level,
    risk_class: String(r.risk_class),
    risk_rank: Number(r.risk_rank),
    reason: typeof r.reason === 'string' ? r.reason : null,
    sla_minutes: Math.round(sla.minutes),
    sla_calendar: sla.calendar,
    created_at: input.createdAt.toISOString(),
    entered_at: entered,
    stage_entered_at: entered,
    due_at: due,
    original_due_at: due,
    group_name: group,
    on_breach: onBreach,
    checklist,
    checklist_items: items,
    required_skills: Array.isArray(r.skills) ? (r.skills as string[]) : [],
    reviewers_required: Math.min(9, Math.max(1, Math.floor(reviewers))),
    matched_rule: typeof r.rule === 'string' ? r.rule : (matched[0] ?? null),
    fingerprint: typeof r.fingerprint === 'string' ? r.fingerprint : null,
  };
  const start = (stage: number): ClockEventRow => ({
    tenant_id: input.tenantId,
    case_id: input.caseId,
    stage,
    kind: 'start',
    at: entered,
    reason: null,
    actor: input.actor,
  });
  return { case: kase, clockEvents: [start(0), start(level)] };
}

function numberOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
