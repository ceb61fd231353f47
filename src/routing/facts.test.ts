import { describe, expect, it } from 'vitest';
import { buildFacts, counterLookups } from './facts.js';
import { promptTemplate } from './fingerprint.js';
import { parsePolicy } from './policy/policy.js';
import { route } from './route.js';

const policy = parsePolicy(`name: hours
calendars:
  support:
    time_zone: Asia/Almaty
    hours: { mon: ['09:00-18:00'], tue: ['09:00-18:00'], wed: ['09:00-18:00'], thu: ['09:00-18:00'], fri: ['09:00-18:00'] }
risk_classes:
  high: { rank: 0, sla: { business_minutes: 90, calendar: support } }
  low: { rank: 1, sla_minutes: 60 }
reasons: [policy_risk]
fingerprint: { fields: [workflow, prompt_template, metadata.customer_id] }
counters:
  returns_30d: { key: metadata.customer_id, window_minutes: 43200 }
rules:
  - id: after-hours-refund
    when: { all: [ { path: time.support.open, eq: false }, { path: metadata.category, eq: refund } ] }
    then: { risk_class: high, reason: policy_risk, action: review }
  - id: night-utc
    when: { path: time.hour, lt: 2 }
    then: { risk_class: low, reason: policy_risk, action: review }
default: { risk_class: low, action: release }
on_error: { risk_class: high, action: review }
`);

const tx = (metadata: Record<string, unknown>) => ({
  prompt: 'Refund order 123 for ann@example.com',
  workflow: 'returns',
  metadata,
  gates: {},
});

describe('facts', () => {
  it('tests time of day in the calendar’s zone and in UTC', () => {
    const evening = new Date('2026-03-04T14:30:00Z'); // 19:30 in Almaty, a Wednesday
    const morning = new Date('2026-03-04T05:00:00Z'); // 10:00 in Almaty
    const night = new Date('2026-03-04T01:00:00Z');
    expect(route(policy, buildFacts(policy, tx({ category: 'refund' }), evening)).rule).toBe(
      'after-hours-refund',
    );
    expect(route(policy, buildFacts(policy, tx({ category: 'refund' }), morning)).rule).toBeNull();
    const f = buildFacts(policy, tx({}), night);
    expect(f.time).toMatchObject({ hour: 1, weekday: 'wed', support: { hour: 6, open: false } });
    expect(route(policy, f)).toMatchObject({ rule: 'night-utc', sla: { minutes: 60 } });
    expect(route(policy, buildFacts(policy, tx({ category: 'refund' }), evening)).sla).toEqual({
      minutes: 90,
      calendar: 'support',
    });
  });

  it('fingerprints the template and the customer, not the numbers and addresses', () => {
    expect(promptTemplate('Refund order 123 for ann@example.com')).toBe('refund order <n> for <email>');
    const a = buildFacts(policy, tx({ customer_id: 'c-1' }), new Date());
    const b = buildFacts(
      policy,
      { ...tx({ customer_id: 'c-1' }), prompt: 'Refund order 987 for bob@example.org' },
      new Date(),
    );
    const c = buildFacts(policy, tx({ customer_id: 'c-2' }), new Date());
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('looks counters up by their key fact, skipping a missing key', () => {
    const now = new Date('2026-03-04T05:00:00Z');
    expect(counterLookups(policy, buildFacts(policy, tx({ customer_id: 'c-1' }), now), now)).toEqual([
      { name: 'returns_30d', key: 'c-1', since: new Date(now.getTime() - 43200 * 60_000) },
    ]);
    expect(counterLookups(policy, buildFacts(policy, tx({}), now), now)).toEqual([]);
  });
});
