import { describe, expect, it } from 'vitest';
import { compileEscalation } from './config.js';

const ladder = (steps: unknown[]) => ({ escalation: { ladders: { standard: steps } } });

describe('compileEscalation', () => {
  it('gives the seed defaults when the policy has no sections', () => {
    const p = compileEscalation({});
    expect(p.ladders.standard!.map((s) => [s.step, s.at])).toEqual([
      ['warn', 0.5],
      ['pre_breach', 0.75],
      ['breach', 1],
      ['overdue', 2],
    ]);
    expect(p.review_time_limit).toEqual({ minutes: 120, to_level: 2 });
    expect(p.edit_quality).toMatchObject({ edit_ratio_over: 0.3, to_group: 'sme' });
    expect(p.notify.shift_lead).toEqual([]);
  });

  it('reads ladders, channels, callbacks, groups with shifts and class calendars', () => {
    const p = compileEscalation({
      calendars: { support: { time_zone: 'Asia/Almaty', hours: { mon: ['09:00-18:00'] } } },
      risk_classes: { medium: { rank: 2, sla: { business_hours: 8, calendar: 'support' } } },
      groups: {
        l1: { level: 1, backup: 'backup', shifts: [{ member: 'anna', role: 'lead', calendar: 'support' }] },
        backup: { level: 1 },
      },
      escalation: {
        ladders: {
          fast: [
            { at: 0.7, step: 'pre_breach', actions: ['bump_priority'], repeat: { every_minutes: 5, max: 2 } },
          ],
        },
        by_class: { medium: 'fast' },
        review_time_limit: false,
        notify: { shift_lead: ['ops'] },
      },
      notifications: {
        channels: { ops: { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret_env: 'S' } },
        callbacks: { returns: 'ops' },
      },
    });
    expect(p.ladders.fast![0]!.repeat).toEqual({ every_minutes: 5, max: 2 });
    expect(p.review_time_limit).toBeNull();
    expect(p.notify.shift_lead).toEqual(['ops']);
    expect(p.notify.backup).toEqual([]); // ops is kept for the workflow callback
    const pager = compileEscalation({
      notifications: {
        channels: {
          hook: { type: 'webhook', url: 'http://127.0.0.1:9/hook' },
          pager: { type: 'pagerduty', url: 'http://127.0.0.1:9/pd', routing_key_env: 'PD' },
        },
      },
    });
    expect(pager.notify.assignee).toEqual(['hook']);
    expect(pager.notify.ops_manager).toEqual(['hook', 'pager']);
    expect(p.groups.l1!.shifts[0]!.calendar?.time_zone).toBe('Asia/Almaty');
    expect(p.sla_calendars.medium?.time_zone).toBe('Asia/Almaty');
    expect(p.callbacks).toEqual({ returns: 'ops' });
  });

  it.each([
    [
      ladder([{ at: 0.9, step: 'pre_breach', actions: ['bump_priority'] }]),
      /^escalation\.ladders\.standard\.0\.at: pre_breach fires between 0\.7 and 0\.8/,
    ],
    [ladder([{ at: 0.75, step: 'x', actions: ['fly'] }]), /^escalation\.ladders\.standard\.0\.actions\.0: /],
    [
      ladder([
        { at: 0.5, step: 'a', actions: ['bump_priority'] },
        { at: 0.4, step: 'b', actions: ['raise_level'] },
      ]),
      /^escalation\.ladders\.standard\.1\.at: steps must be in increasing order/,
    ],
    [
      ladder([{ at: 0.5, step: 'a', actions: ['bump_priority'], repeat: { every_minutes: 5, max: 99 } }]),
      /^escalation\.ladders\.standard\.0\.repeat\.max: /,
    ],
    [{ escalation: { by_class: { high: 'nope' } } }, /^escalation\.by_class\.high: unknown ladder "nope"/],
    [
      { escalation: { notify: { shift_lead: ['pager'] } } },
      /^escalation\.notify\.shift_lead\.0: unknown channel "pager"/,
    ],
    [{ escalation: { colour: 'red' } }, /^escalation\.colour: unknown field/],
    [
      { notifications: { channels: { ops: { type: 'webhook', url: 'not a url' } } } },
      /^notifications\.channels\.ops\.url: /,
    ],
    [{ notifications: { channels: { ops: { type: 'fax' } } } }, /^notifications\.channels\.ops\.type: /],
    [
      { notifications: { callbacks: { returns: 'ops' } } },
      /^notifications\.callbacks\.returns: unknown channel "ops"/,
    ],
    [{ groups: { l1: { backup: 'ghost' } } }, /^groups\.l1\.backup: unknown group "ghost"/],
    [
      { groups: { l1: { shifts: [{ member: 'a', calendar: 'night' }] } } },
      /^groups\.l1\.shifts\.0\.calendar: unknown calendar "night"/,
    ],
    [
      { groups: { l1: { shifts: [{ member: 'a', calendar: { time_zone: 'Mars/Base', hours: {} } }] } } },
      /^groups\.l1\.shifts\.0\.calendar\.time_zone: /,
    ],
  ])('refuses %j naming the YAML path', (doc, message) => {
    expect(() => compileEscalation(doc)).toThrow(message);
  });
});
