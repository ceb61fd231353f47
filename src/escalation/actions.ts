import type { Queryable } from '../db/index.js';
import { raiseIncident } from '../incidents/index.js';
import { enqueueNotification } from '../notify/outbox.js';
import type { Audience, EscalationPolicy, StepAction } from './config.js';
import { REVIEW_TIME_LIMIT_STEP } from './ladder.js';
import { bumpCase, moveCaseToGroup, raiseLevel, type EscalatingCase } from './queries.js';
import { groupAtLevel, onShift, opsGroup } from './shifts.js';

/** The firing whose actions run: which step of which case, due when. */
export interface Firing {
  step: string;
  repeat_n: number;
  share: number | null;
  due_at: Date;
}

/**
 * Runs a firing's actions on a locked case inside the caller's transaction and enqueues its
 * notifications there too; returns what changed, for the audit entry. Notifications of one case
 * share its order key, so a receiver sees them in firing order.
 */
export async function applyStepActions(
  tx: Queryable,
  policy: EscalationPolicy,
  kase: EscalatingCase,
  firing: Firing,
  actions: readonly StepAction[],
  now: Date,
): Promise<Record<string, unknown>> {
  const groups = policy.groups;
  let group = kase.group_name ?? groupAtLevel(groups, kase.level);
  let level = kase.level;
  const effects: Record<string, unknown> = {};
  const notify = async (audience: Audience, recipients: string[]): Promise<void> => {
    await enqueueNotification(tx, {
      tenantId: kase.tenant_id,
      channels: policy.notify[audience],
      type: `escalation.${firing.step}`,
      orderKey: `case:${kase.id}`,
      at: now,
      data: {
        case_id: kase.id,
        transaction_id: kase.transaction_id,
        step: firing.step,
        repeat_n: firing.repeat_n,
        share: firing.share,
        step_due_at: firing.due_at.toISOString(),
        sla_due_at: new Date(kase.due_at).toISOString(),
        risk_class: kase.risk_class,
        level,
        group,
        audience,
        recipients,
      },
    });
    effects[`notified_${audience}`] = recipients;
  };
  for (const action of actions) {
    switch (action) {
      case 'bump_priority':
        await bumpCase(tx, kase.tenant_id, kase.id);
        effects.bump = kase.bump + 1;
        break;
      case 'move_to_backup': {
        const backup = group ? groups[group]?.backup : null;
        if (backup) {
          await moveCaseToGroup(tx, kase.tenant_id, kase.id, backup);
          group = backup;
          effects.group = backup;
        }
        break;
      }
      case 'raise_level': {
        const to =
          firing.step === REVIEW_TIME_LIMIT_STEP
            ? Math.max(level, policy.review_time_limit?.to_level ?? level)
            : Math.min(3, level + 1);
        if (to > level) {
          level = to;
          group = groupAtLevel(groups, to) ?? group;
          await raiseLevel(tx, { tenantId: kase.tenant_id, caseId: kase.id, level: to, group });
          effects.level = to;
        }
        break;
      }
      case 'notify_assignee':
        await notify(
          'assignee',
          kase.claimed_by ? [kase.claimed_by] : onShift(group ? groups[group] : undefined, 'member', now),
        );
        break;
      case 'notify_shift_lead':
        await notify('shift_lead', onShift(group ? groups[group] : undefined, 'lead', now));
        break;
      case 'notify_backup': {
        const backup = (group ? groups[group]?.backup : null) ?? group;
        const g = backup ? groups[backup] : undefined;
        await notify('backup', [
          ...new Set([
            ...onShift(g, 'member', now),
            ...onShift(g, 'backup', now),
            ...onShift(g, 'reviewer', now),
          ]),
        ]);
        break;
      }
      case 'escalate_ops_manager': {
        const ops = opsGroup(groups);
        await notify('ops_manager', onShift(ops ? groups[ops] : undefined, 'lead', now));
        break;
      }
      case 'open_incident': {
        const { incident } = await raiseIncident(tx, {
          tenantId: kase.tenant_id,
          rule: `sla_${firing.step}`,
          // One incident per risk class: many cases past the same step is a backlog, not many incidents.
          fingerprint: kase.risk_class,
          title: `${kase.risk_class} cases past ${firing.share === null ? firing.step : `${firing.share * 100}% of their SLA`}`,
          channels: policy.notify.ops_manager,
          caseId: kase.id,
          transactionId: kase.transaction_id,
          actor: 'system',
          at: now,
        });
        effects.incident_id = incident.id;
        break;
      }
    }
  }
  return effects;
}
