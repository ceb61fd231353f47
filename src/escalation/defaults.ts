import type { LadderStep } from './config.js';

/**
 * The ladder every risk class climbs unless the policy says otherwise (seed 2: act before the
 * breach, at 75 %; seed 1: past the TAT notify backup reviewers and escalate to the ops manager).
 * Overdue at twice the SLA attaches the case to one incident per risk class: a systemic backlog.
 */
export const DEFAULT_LADDER: LadderStep[] = [
  { at: 0.5, step: 'warn', actions: ['notify_assignee'], repeat: null },
  {
    at: 0.75,
    step: 'pre_breach',
    actions: ['bump_priority', 'notify_shift_lead', 'move_to_backup'],
    repeat: { every_minutes: 10, max: 3 },
  },
  { at: 1, step: 'breach', actions: ['notify_backup', 'escalate_ops_manager', 'raise_level'], repeat: null },
  { at: 2, step: 'overdue', actions: ['open_incident'], repeat: null },
];

/** Seed 1's example rules that are not ladder steps: > 2 h review → L2; edits > 30 % → sample to SME. */
export const DEFAULT_ESCALATION = {
  review_time_limit: { minutes: 120, to_level: 2 },
  edit_quality: { edit_ratio_over: 0.3, sample_rate: 1, to_group: 'sme' },
};

/** Delivery retries: 10 s doubling to at most an hour, dead after 8 attempts (about 21 min in all). */
export const DEFAULT_RETRY = { max_attempts: 8, base_seconds: 10, max_seconds: 3600 };
