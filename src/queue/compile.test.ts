import { describe, expect, it } from 'vitest';
import { compileQueue, defaultGroup } from './compile.js';
import { groupsOf } from './groups/membership.js';
import { openCase } from './open.js';
import { textSimilarity, nearest } from './card/similarity.js';

const CALENDAR = {
  time_zone: 'Europe/London',
  hours: {
    mon: ['09:00-17:00'],
    tue: ['09:00-17:00'],
    wed: ['09:00-17:00'],
    thu: ['09:00-17:00'],
    fri: ['09:00-17:00'],
  },
};

const DOC = {
  calendars: { office: CALENDAR },
  risk_classes: {
    critical: { rank: 0, sla: { minutes: 15 }, reviewers: 2, on_breach: 'fail_closed' },
    medium: { rank: 2, sla: { business_hours: 4, calendar: 'office' } },
    low: { rank: 3, sla_minutes: 1440 },
  },
  groups: {
    l1: { level: 1, max_claims_per_reviewer: 3, backup: 'backup' },
    sme: { level: 2, members: ['ana', 'key-7'] },
    backup: { level: 1 },
  },
  checklists: { sign_off: ['confirm_facts', 'write_rationale'] },
  rules: [{ id: 'r', when: {}, then: { group: 'sme', checklist: 'sign_off' } }],
};

function error(doc: unknown): string {
  try {
    compileQueue(doc);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
}

describe('compileQueue', () => {
  it('reads groups, checklists and calendars', () => {
    const q = compileQueue(DOC);
    expect([...q.groups.keys()]).toEqual(['l1', 'sme', 'backup']);
    expect(q.groups.get('l1')).toMatchObject({ level: 1, max_claims_per_reviewer: 3, backup: 'backup' });
    expect(q.checklists.sign_off).toEqual(['confirm_facts', 'write_rationale']);
    expect(q.calendars.office!.time_zone).toBe('Europe/London');
    expect(defaultGroup(q, 2).name).toBe('sme');
    expect(defaultGroup(q, 3).name).toBe('sme');
  });

  it("prefers the policy loader's parsed business_calendars", () => {
    const parsed = compileQueue(DOC).calendars.office!;
    const q = compileQueue({
      calendars: { office: 'not parsed here' },
      business_calendars: { office: parsed },
    });
    expect(q.calendars.office).toBe(parsed);
  });

  it('gives a policy without groups one open group per level', () => {
    const q = compileQueue({});
    expect([...q.groups.values()].map((g) => [g.name, g.level])).toEqual([
      ['l1', 1],
      ['l2', 2],
      ['l3', 3],
    ]);
  });

  it('names the YAML path of every mistake', () => {
    expect(error({ groups: { l1: { level: 4 } } })).toBe('groups.l1.level: expected 1, 2 or 3, got 4');
    expect(error({ groups: { l1: { level: 1, colour: 'red' } } })).toBe('groups.l1.colour: unknown field');
    expect(error({ groups: { l1: { level: 1, max_claims_per_reviewer: 0 } } })).toMatch(
      /^groups\.l1\.max_claims_per_reviewer:/,
    );
    expect(error({ groups: { l1: { level: 1, members: ['a', 3] } } })).toMatch(/^groups\.l1\.members\[1\]:/);
    expect(error({ groups: { l1: { level: 1, backup: 'nope' } } })).toBe(
      'groups.l1.backup: unknown group "nope"',
    );
    expect(error({ checklists: { s: [] } })).toBe('checklists.s: a checklist needs at least one item');
    expect(error({ checklists: { s: ['a', 'a'] } })).toBe('checklists.s: duplicate item "a"');
    expect(error({ ...DOC, rules: [{ then: { group: 'legal' } }] })).toBe(
      'rules.0.then.group: unknown group "legal"',
    );
    expect(error({ ...DOC, rules: [{ then: { checklist: 'x' } }] })).toBe(
      'rules.0.then.checklist: unknown checklist "x"',
    );
    expect(error({ calendars: { office: { time_zone: 'Mars/Base' } } })).toMatch(
      /^calendars\.office\.time_zone:/,
    );
  });
});

describe('groupsOf (least privilege)', () => {
  const q = compileQueue(DOC);
  const member = (over: Partial<Parameters<typeof groupsOf>[1]>) => ({
    keyId: 'key-1',
    name: null,
    roles: ['reviewer'] as const,
    added: new Map<string, readonly string[]>(),
    staffed: new Set<string>(),
    ...over,
  });

  it('lets a role work the open groups of its level, and listed members work their groups', () => {
    expect(groupsOf(q, member({})).map((g) => g.name)).toEqual(['l1', 'backup']);
    expect(groupsOf(q, member({ roles: ['sme'] })).map((g) => g.name)).toEqual([]);
    expect(groupsOf(q, member({ roles: ['sme'], name: 'ana' })).map((g) => g.name)).toEqual(['sme']);
    expect(groupsOf(q, member({ keyId: 'key-7' })).map((g) => g.name)).toEqual(['l1', 'sme', 'backup']);
  });

  it('closes a group to everyone else once the API adds a member', () => {
    const staffed = new Set(['l1']);
    expect(groupsOf(q, member({ staffed })).map((g) => g.name)).toEqual(['backup']);
    expect(groupsOf(q, member({ staffed, added: new Map([['l1', []]]) })).map((g) => g.name)).toEqual([
      'l1',
      'backup',
    ]);
  });
});

describe('openCase', () => {
  const policy = { doc: DOC, queue: compileQueue(DOC) };
  const base = { tenantId: 't', caseId: 'c1', transactionId: 'x1', actor: 'k' };

  it('starts the clock when the case enters the queue and counts business hours: Fri 16:00 + 4 h → Mon 12:00', () => {
    const created = new Date('2026-03-06T15:40:00Z');
    const entered = new Date('2026-03-06T16:00:00Z'); // Friday, GMT
    const { case: c, clockEvents } = openCase(policy, {
      ...base,
      route: { risk_class: 'medium', risk_rank: 2, reason: 'low_confidence', level: 1, matched_rules: ['r'] },
      createdAt: created,
      enteredAt: entered,
    });
    expect(c).toMatchObject({
      created_at: created.toISOString(),
      entered_at: entered.toISOString(),
      due_at: '2026-03-09T12:00:00.000Z',
      original_due_at: '2026-03-09T12:00:00.000Z',
      sla_minutes: 240,
      sla_calendar: 'office',
      group_name: 'l1',
      reviewers_required: 1,
      on_breach: 'none',
      matched_rule: 'r',
    });
    expect(clockEvents.map((e) => [e.stage, e.kind, e.at])).toEqual([
      [0, 'start', entered.toISOString()],
      [1, 'start', entered.toISOString()],
    ]);
  });

  it("takes the rule's group, checklist and SLA override, and the class's reviewers and fallback", () => {
    const { case: c } = openCase(policy, {
      ...base,
      route: {
        risk_class: 'critical',
        risk_rank: 0,
        level: 2,
        group: 'sme',
        checklist: 'sign_off',
        sla: { minutes: 5 },
        fingerprint: 'f00d',
      },
      createdAt: new Date('2026-03-06T16:00:00Z'),
      enteredAt: new Date('2026-03-06T16:00:00Z'),
    });
    expect(c).toMatchObject({
      group_name: 'sme',
      level: 2,
      checklist: 'sign_off',
      checklist_items: ['confirm_facts', 'write_rationale'],
      reviewers_required: 2,
      on_breach: 'fail_closed',
      due_at: '2026-03-06T16:05:00.000Z',
      fingerprint: 'f00d',
    });
  });

  it('keeps the shipped sla_minutes shorthand', () => {
    const { case: c } = openCase(policy, {
      ...base,
      route: { risk_class: 'low', risk_rank: 3, sla_minutes: 1440 },
      createdAt: new Date('2026-03-06T16:00:00Z'),
      enteredAt: new Date('2026-03-06T16:00:00Z'),
    });
    expect(c.due_at).toBe('2026-03-07T16:00:00.000Z');
  });
});

describe('textSimilarity', () => {
  it('is 1 for the same words, 0 for nothing shared, in between otherwise', () => {
    expect(textSimilarity('Your card ends in 1111.', 'your CARD ends in 1111')).toBe(1);
    expect(textSimilarity('refund approved', 'shipping delayed')).toBe(0);
    const s = textSimilarity('the refund was approved today', 'the refund was rejected today');
    expect(s).toBeGreaterThan(0.2);
    expect(s).toBeLessThan(0.7);
  });

  it('ranks candidates nearest first', () => {
    const got = nearest(
      'refund of the order approved',
      [
        { text: 'shipping delayed' },
        { text: 'refund of the order rejected' },
        { text: 'refund of the order approved' },
      ],
      2,
    );
    expect(got.map((g) => g.text)).toEqual(['refund of the order approved', 'refund of the order rejected']);
  });
});
