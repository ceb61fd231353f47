import type { IncidentSignal } from '../incidents/index.js';
import type { NotificationInput } from '../notify/outbox.js';
import type { Audience, EscalationPolicy, StepAction } from './config.js';
import { REVIEW_TIME_LIMIT_STEP } from './ladder.js';
import { groupAtLevel, onShift, opsGroup } from './shifts.js';

/** The firing whose actions run: which step of which case, due when. */
export interface Firing {
  step: string;
  repeat_n: number;
  share: number | null;
  due_at: Date;
}

/** Where a case stands for escalation; a firing's plan moves it on. */
export interface CaseState {
  tenant_id: string;
  id: string;
  transaction_id: string;
  level: number;
  risk_class: string;
  due_at: Date;
  claimed_by: string | null;
  group_name: string | null;
  bump: number;
  /** Set when a firing moved the case up a level: it goes back to the queue for that level. */
  requeue: boolean;
}

/** What one firing does: the case after it, its notifications, an incident to raise, and what changed. */
export interface FiringPlan {
  state: CaseState;
  notifications: NotificationInput[];
  incident: IncidentSignal | null;
  effects: Record<string, unknown>;
}

/**
 * Plans a firing's actions on a case without I/O: bump the priority, move to the backup group, raise
 * the level (never touching the deadline), notify the assignee / shift lead / backup reviewers / ops
 * manager on shift now, open an incident. Notifications of one case share its order key, so a
 * receiver sees them in firing order.
 */
export function planFiring(
  policy: EscalationPolicy,
  before: CaseState,
  firing: Firing,
  actions: readonly StepAction[],
  now: Date,
): FiringPlan {
  const groups = policy.groups;
  const state = { ...before, group_name: before.group_name ?? groupAtLevel(groups, before.level) };
  const plan: FiringPlan = { state, notifications: [], incident: null, effects: {} };
  const group = () => (state.group_name ? groups[state.group_name] : undefined);
  const notify = (audience: Audience, recipients: string[]): void => {
    plan.notifications.push({
      tenantId: state.tenant_id,
      channels: policy.notify[audience],
      type: `escalation.${firing.step}`,
      orderKey: `case:${state.id}`,
      at: now,
      data: {
        case_id: state.id,
        transaction_id: state.transaction_id,
        step: firing.step,
        repeat_n: firing.repeat_n,
        share: firing.share,
        step_due_at: firing.due_at.toISOString(),
        sla_due_at: new Date(state.due_at).toISOString(),
        risk_class: state.risk_class,
        level: state.level,
        group: state.group_name,
        audience,
        recipients,
      },
    });
    plan.effects[`notified_${audience}`] = recipients;
  };
  for (const action of actions) {
    switch (action) {
      case 'bump_priority':
        plan.effects.bump = ++state.bump;
        break;
      case 'move_to_backup': {
        const backup = group()?.backup;
        if (backup) plan.effects.group = state.group_name = backup;
        break;
      }
      case 'raise_level': {
        const limit = policy.review_time_limit?.to_level ?? state.level;
        const to =
          firing.step === REVIEW_TIME_LIMIT_STEP
            ? Math.max(state.level, limit)
            : Math.min(3, state.level + 1);
        if (to > state.level) {
          plan.effects.level = state.level = to;
          state.group_name = groupAtLevel(groups, to) ?? state.group_name;
          state.requeue = true;
        }
        break;
      }
      case 'notify_assignee':
        notify(
          'assignee',
          state.claimed_by && !state.requeue ? [state.claimed_by] : onShift(group(), 'member', now),
        );
        break;
      case 'notify_shift_lead':
        notify('shift_lead', onShift(group(), 'lead', now));
        break;
      case 'notify_backup': {
        const name = group()?.backup ?? state.group_name;
        const g = name ? groups[name] : undefined;
        const people = ['member', 'backup', 'reviewer'].flatMap((role) => onShift(g, role, now));
        notify('backup', [...new Set(people)]);
        break;
      }
      case 'escalate_ops_manager': {
        const ops = opsGroup(groups);
        notify('ops_manager', onShift(ops ? groups[ops] : undefined, 'lead', now));
        break;
      }
      case 'open_incident':
        plan.incident = {
          tenantId: state.tenant_id,
          rule: `sla_${firing.step}`,
          // One incident per risk class: many cases past the same step is a backlog, not many incidents.
          fingerprint: state.risk_class,
          title: `${state.risk_class} cases past ${firing.share === null ? firing.step : `${firing.share * 100}% of their SLA`}`,
          channels: policy.notify.ops_manager,
          caseId: state.id,
          transactionId: state.transaction_id,
          actor: 'system',
          at: now,
        };
        break;
    }
  }
  return plan;
}
