import type { Queryable } from '../../db/index.js';
import type { Principal } from '../../keys/index.js';
import {
  findCardTransaction,
  listPastDecisions,
  listReviews,
  listTemplates,
  type ReviewRow,
  type TemplateRow,
} from './card-queries.js';
import { caseClock } from '../clock/clock.js';
import type { QueueConfig } from '../compile.js';
import { listClockEvents, type CaseState } from '../queries.js';
import { nearest } from './similarity.js';

const CONTEXT_CHARS = 600;
const SIMILAR = 5;

/** What a reviewer needs on one screen (seed 1): the item, context, why it is queued, risk, time left, history, templates. */
export interface CaseCard {
  case: {
    id: string;
    status: string;
    level: number;
    group: string | null;
    risk_class: string;
    reason: string | null;
    created_at: string;
    entered_at: string;
    first_action_at: string | null;
    due_at: string;
    original_due_at: string | null;
    time_left_ms: number;
    paused: boolean;
    breached: boolean;
    lease_expires_at: string | null;
    assigned_to: string | null;
    checklist: { name: string; items: string[] } | null;
    /** Skills a reviewer needs for it (the rule's `skills`). */
    required_skills: string[];
    reviewers_required: number;
    reviews_done: number;
  };
  transaction: {
    id: string;
    workflow: string | null;
    prompt: unknown;
    context: string;
    output: string;
    gates: unknown;
    matched_rules: string[];
    metadata: unknown;
    policy_version: string;
  };
  why: { reason: string | null; matched_rules: string[]; findings: unknown[] };
  similar: {
    case_id: string;
    action: string;
    reason: string | null;
    rationale: string | null;
    decided_at: string;
    similarity: number;
  }[];
  templates: TemplateRow[];
  /** The blind reviews, shown only once all are in (to the adjudicator). */
  reviews: (Omit<ReviewRow, 'reviewed_at'> & { reviewed_at: string })[] | null;
}

/** Builds a case's card at `now` for `by`; reads only, redacted fields only. */
export async function loadCard(
  q: Queryable,
  config: QueueConfig,
  by: Principal,
  c: CaseState,
  now: Date,
): Promise<CaseCard> {
  // Independent reads go out together: on the server store each takes its own pooled connection,
  // so the card costs two round trips, not five (the history needs the transaction's workflow).
  const [t, events, reviews, templates] = await Promise.all([
    findCardTransaction(q, by.tenantId, c.transaction_id),
    listClockEvents(q, by.tenantId, c.id),
    c.reviewers_required > 1 ? listReviews(q, by.tenantId, c.id) : [],
    listTemplates(q, by.tenantId),
  ]);
  const clock = caseClock(config, c, events, now);
  const past = await listPastDecisions(q, {
    tenantId: by.tenantId,
    caseId: c.id,
    rule: c.matched_rule,
    fingerprint: c.fingerprint,
    workflow: t.workflow,
  });
  const due = clock.due_at ?? new Date(c.due_at);
  return {
    case: {
      id: c.id,
      status: c.status,
      level: c.level,
      group: c.group_name,
      risk_class: c.risk_class,
      reason: c.reason,
      created_at: iso(c.created_at)!,
      entered_at: iso(c.entered_at)!,
      first_action_at: iso(c.first_action_at),
      due_at: due.toISOString(),
      original_due_at: iso(c.original_due_at ?? clock.original_due_at),
      time_left_ms: due.getTime() - now.getTime(),
      paused: c.status === 'paused',
      breached: c.breached || clock.breached,
      lease_expires_at: iso(c.lease_expires_at),
      assigned_to: c.assigned_to,
      checklist: c.checklist ? { name: c.checklist, items: c.checklist_items } : null,
      required_skills: c.required_skills,
      reviewers_required: c.reviewers_required,
      reviews_done: reviews.length,
    },
    transaction: {
      id: c.transaction_id,
      workflow: t.workflow,
      prompt: t.redacted_prompt,
      context: shortContext(t.redacted_prompt),
      output: t.redacted_output,
      gates: t.gates,
      matched_rules: t.matched_rules,
      metadata: t.metadata,
      policy_version: t.policy_version,
    },
    why: { reason: c.reason, matched_rules: t.matched_rules, findings: findingsOf(t.gates) },
    similar: nearest(t.redacted_output, past, SIMILAR).map((p) => ({
      case_id: p.case_id,
      action: p.action,
      reason: p.reason,
      rationale: p.rationale,
      decided_at: iso(p.decided_at)!,
      similarity: Math.round(p.similarity * 1000) / 1000,
    })),
    templates,
    reviews:
      c.reviewers_required > 1 && reviews.length >= c.reviewers_required
        ? reviews.map((r) => ({ ...r, reviewed_at: iso(r.reviewed_at)! }))
        : null,
  };
}

/** The last user message (or the prompt string), cut to a screenful. */
function shortContext(prompt: unknown): string {
  let text = '';
  if (typeof prompt === 'string') text = prompt;
  else if (Array.isArray(prompt)) {
    const users = prompt.filter((m) => (m as { role?: string }).role === 'user');
    const last = (users.at(-1) ?? prompt.at(-1)) as { content?: unknown } | undefined;
    text = typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
  }
  return text.length > CONTEXT_CHARS ? text.slice(0, CONTEXT_CHARS) + '…' : text;
}

/** Every gate's findings with the gate's name, so the card can underline spans. */
function findingsOf(gates: unknown): unknown[] {
  if (!Array.isArray(gates)) return [];
  return gates.flatMap((g: { name?: string; findings?: unknown[] }) =>
    (g.findings ?? []).map((f) => ({ gate: g.name, ...(f as object) })),
  );
}

function iso(d: Date | string | null): string | null {
  return d === null ? null : new Date(d).toISOString();
}
