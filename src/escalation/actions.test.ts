import { describe, expect, it } from 'vitest';
import { planFiring, type CaseState } from './actions.js';
import { compileEscalation } from './config.js';

const policy = compileEscalation({
  groups: {
    l1: { level: 1, backup: 'backup', shifts: [{ member: 'anna', role: 'lead' }] },
    backup: { level: 1, shifts: [{ member: 'carol', role: 'member' }] },
    sme: { level: 2, shifts: [{ member: 'sara', role: 'lead' }] },
    ops: { level: 3, shifts: [{ member: 'olga', role: 'lead' }] },
  },
  notifications: { channels: { ops: { type: 'webhook', url: 'http://127.0.0.1:9/h' } } },
});
const now = new Date('2026-03-02T10:00:00Z');
const kase = (over: Partial<CaseState> = {}): CaseState => ({
  tenant_id: 't',
  id: 'c1',
  transaction_id: 'x1',
  level: 1,
  risk_class: 'high',
  due_at: new Date('2026-03-02T10:30:00Z'),
  claimed_by: 'rev-1',
  group_name: null,
  bump: 0,
  requeue: false,
  ...over,
});
const step = { step: 'breach', repeat_n: 0, share: 1, due_at: now };
const recipients = (plan: ReturnType<typeof planFiring>) =>
  plan.notifications.map((n) => `${String(n.data.audience)}:${(n.data.recipients as string[]).join('+')}`);

describe('planFiring', () => {
  it('routes a Level 2 case (e.g. safety < 0.2) to the SME group’s lead on shift', () => {
    const plan = planFiring(policy, kase({ level: 2 }), step, ['notify_shift_lead'], now);
    expect(recipients(plan)).toEqual(['shift_lead:sara']);
    expect(plan.state.group_name).toBe('sme');
  });

  it('at breach notifies backup reviewers and the ops manager, then raises the level without touching the deadline', () => {
    const plan = planFiring(
      policy,
      kase(),
      step,
      ['notify_backup', 'escalate_ops_manager', 'raise_level'],
      now,
    );
    expect(recipients(plan)).toEqual(['backup:carol', 'ops_manager:olga']);
    expect(plan.state).toMatchObject({ level: 2, group_name: 'sme', requeue: true, due_at: kase().due_at });
    expect(plan.notifications.every((n) => n.orderKey === 'case:c1' && n.channels.join() === 'ops')).toBe(
      true,
    );
  });

  it('never raises above Level 3, and the > 2 h rule raises to its level only once', () => {
    expect(planFiring(policy, kase({ level: 3 }), step, ['raise_level'], now).state.level).toBe(3);
    const limit = { ...step, step: 'review_time_limit', share: null };
    expect(planFiring(policy, kase(), limit, ['raise_level'], now).state.level).toBe(2);
    expect(planFiring(policy, kase({ level: 2 }), limit, ['raise_level'], now).effects).toEqual({});
  });

  it('bumps, moves to the backup group and plans an incident keyed by rule and risk class', () => {
    const plan = planFiring(
      policy,
      kase(),
      { ...step, step: 'overdue', share: 2 },
      ['bump_priority', 'move_to_backup', 'open_incident'],
      now,
    );
    expect(plan.state).toMatchObject({ bump: 1, group_name: 'backup' });
    expect(plan.incident).toMatchObject({
      rule: 'sla_overdue',
      fingerprint: 'high',
      caseId: 'c1',
      channels: ['ops'],
    });
  });
});
