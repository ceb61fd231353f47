import { afterAll, describe, expect, it } from 'vitest';
import { POLICIES_DIR } from '../config.js';
import { buildFacts, withCounters } from './facts.js';
import { loadPolicyFile, type Policy } from './policy/policy.js';
import { route, type Route } from './route.js';

// A Wednesday, 10:00 in Almaty (UTC+5): inside both example calendars' hours.
const NOW = new Date('2026-12-09T05:00:00Z');

const gates = (g: { pii?: string[]; piiOutcome?: string; safety?: number; topics?: string[] } = {}) => ({
  pii: { outcome: g.piiOutcome ?? (g.pii?.length ? 'flag' : 'pass'), score: 0.9, entities: g.pii ?? [] },
  safety: {
    outcome: (g.safety ?? 1) < 0.2 ? 'block' : (g.safety ?? 1) < 0.8 ? 'flag' : 'pass',
    score: g.safety ?? 1,
    topics: g.topics ?? [],
  },
});

/** Routes a hand-written transaction and remembers which rule won, to check every rule is covered. */
function routerFor(policy: Policy) {
  const won = new Set<string>();
  const go = (
    t: { confidence?: number; metadata?: Record<string, unknown>; gates?: Record<string, unknown> },
    counters: Record<string, number> = {},
  ): Route => {
    const facts = buildFacts(
      policy,
      {
        prompt: [{ role: 'user', content: 'Where is my order 12345?' }],
        workflow: policy.name,
        confidence: t.confidence ?? 0.9,
        metadata: t.metadata ?? {},
        gates: t.gates ?? gates(),
      },
      NOW,
    );
    const r = route(policy, withCounters(policy, facts, counters));
    if (r.rule) won.add(r.rule);
    return r;
  };
  return { go, won };
}

describe('customer-replies (seed 1)', () => {
  const policy = loadPolicyFile(POLICIES_DIR + 'customer-replies.yaml');
  const { go, won } = routerFor(policy);
  afterAll(() => expect([...won].sort()).toEqual(policy.rules.map((r) => r.id).sort()));

  it('releases an ordinary reply that passes the automated filters', () => {
    expect(go({ metadata: { category: 'shipping' } })).toMatchObject({
      action: 'release',
      rule: null,
      reason: null,
    });
  });

  it('blocks a reply the safety classifier scores below 0.2 and sends it to Level 2', () => {
    expect(go({ gates: gates({ safety: 0.1 }) })).toMatchObject({
      action: 'block',
      risk_class: 'critical',
      level: 2,
      group: 'sme',
      rule: 'unsafe-output',
    });
  });

  it('needs sign-off for billing, legal and medical replies, by category or detected topic', () => {
    for (const category of ['billing', 'legal', 'medical']) {
      expect(go({ metadata: { category } })).toMatchObject({
        action: 'review',
        risk_class: 'high',
        checklist: 'sign_off',
        sla: { minutes: 30 },
        safe_pattern: { after: 20, enabled: true },
      });
    }
    expect(go({ gates: gates({ topics: ['medical'] }) }).rule).toBe('high-risk-category');
  });

  it('holds card data for review and asks for redaction', () => {
    const r = go({ gates: gates({ pii: ['CREDIT_CARD'] }) });
    expect(r).toMatchObject({
      rule: 'payment-data-in-reply',
      reason: 'pii_suspicion',
      remediation: ['redact'],
    });
  });

  it('reviews a flagged reply within two business hours of the support calendar', () => {
    expect(go({ gates: gates({ safety: 0.5 }) })).toMatchObject({
      rule: 'safety-flag',
      sla: { minutes: 120, calendar: 'support' },
    });
  });

  it('asks to re-run a low-confidence reply with tighter constraints and folds repeats', () => {
    const r = go({ confidence: 0.3 });
    expect(r).toMatchObject({ rule: 'low-model-confidence', fold: { window_minutes: 60 } });
    expect(r.remediation).toEqual([
      { rerun: { instruction: 'Answer only from the supplied context', parameters: { temperature: 0 } } },
    ]);
  });

  it('redacts and releases contact details (Level 0)', () => {
    expect(go({ gates: gates({ pii: ['EMAIL_ADDRESS'] }) })).toMatchObject({
      action: 'release',
      rule: 'contact-details-redacted',
    });
  });

  it('opens a Level 3 incident when the same prompt fails a third time in 24 hours', () => {
    const third = go({ confidence: 0.3 }, { prompt_failures_24h: 2 });
    expect(third).toMatchObject({
      rule: 'prompt-keeps-failing',
      level: 3,
      incident: true,
      notify: ['ml_ops'],
    });
    expect(third.matched_rules).toEqual(['prompt-keeps-failing', 'low-model-confidence']);
    expect(go({ confidence: 0.3 }, { prompt_failures_24h: 1 }).rule).toBe('low-model-confidence');
  });

  it('keeps the three-year retention and the > 2 h Level 2 rule', () => {
    expect(policy.retention).toEqual({ days: 1095 });
    expect(policy.escalation).toMatchObject({ review_time_limit: { minutes: 120, to_level: 2 } });
  });

  it('routes a fact of the wrong type to review for incomplete data', () => {
    const r = go({ confidence: 0.9, gates: { ...gates(), pii: { outcome: 'pass', entities: 42 } } });
    expect(r).toMatchObject({ action: 'review', reason: 'incomplete_data', evaluation_error: true });
  });
});

describe('returns (seed 2)', () => {
  const policy = loadPolicyFile(POLICIES_DIR + 'returns.yaml');
  const { go, won } = routerFor(policy);
  afterAll(() => expect([...won].sort()).toEqual(policy.rules.map((r) => r.id).sort()));
  const standard = {
    amount: 15000,
    currency: 'KZT',
    category: 'clothing',
    customer_id: 'c-1',
    return_reason: 'size',
  };

  it('auto-processes a standard return up to 20,000 tenge, sampling 5 % for QA', () => {
    expect(go({ metadata: standard })).toMatchObject({
      action: 'sample',
      sample_rate: 0.05,
      risk_class: 'low',
      rule: 'standard-return',
    });
    expect(go({ metadata: { ...standard, amount: 20000 } }).rule).toBe('standard-return');
  });

  it('reviews expensive electronics within 10 minutes in the senior group', () => {
    expect(go({ metadata: { ...standard, category: 'electronics', amount: 250000 } })).toMatchObject({
      rule: 'expensive-electronics',
      group: 'senior',
      level: 2,
      sla: { minutes: 10 },
    });
  });

  it('gives a fraud signal a 5-minute SLA, ahead of everything else', () => {
    const r = go({ metadata: { ...standard, category: 'electronics', amount: 250000, fraud_signal: true } });
    expect(r).toMatchObject({ rule: 'fraud-signal', risk_class: 'critical', sla: { minutes: 5 } });
    expect(r.matched_rules).toContain('expensive-electronics');
  });

  it('sends the senior group only expensive or disputed requests', () => {
    expect(go({ metadata: { ...standard, disputed: true } })).toMatchObject({
      rule: 'disputed-request',
      group: 'senior',
    });
    expect(go({ metadata: { ...standard, warehouse_support_conflict: true } }).rule).toBe('disputed-request');
    expect(go({ metadata: { ...standard, amount: 150000 } })).toMatchObject({
      rule: 'expensive-return',
      group: 'senior',
    });
    const senior = policy.rules.filter((r) => r.then.group === 'senior').map((r) => r.id);
    expect(senior.sort()).toEqual(['disputed-request', 'expensive-electronics', 'expensive-return']);
  });

  it('queues a serial-number mismatch, unusual activity and repeated returns', () => {
    expect(go({ metadata: { ...standard, serial_number_match: false } }).rule).toBe('serial-number-mismatch');
    expect(go({ metadata: { ...standard, account_activity: 'unusual' } }).rule).toBe(
      'unusual-account-activity',
    );
    expect(go({ metadata: standard }, { customer_returns_30d: 3 })).toMatchObject({
      rule: 'repeated-returns',
      reason: 'fraud_signal',
      fold: { window_minutes: 1440 },
    });
    expect(go({ metadata: standard }, { customer_returns_30d: 2 }).rule).toBe('standard-return');
  });

  it('reviews a mid-range return within the shift unless its pattern has proved safe', () => {
    expect(go({ metadata: { ...standard, amount: 50000 } })).toMatchObject({
      rule: 'above-auto-limit',
      sla: { minutes: 480, calendar: 'store' },
      safe_pattern: { after: 20 },
    });
  });

  it('queues an unusual return reason and a missing amount', () => {
    expect(go({ metadata: { ...standard, return_reason: 'other' } }).rule).toBe('unusual-return-reason');
    const { amount: _, ...noAmount } = standard;
    expect(go({ metadata: noAmount })).toMatchObject({ rule: 'amount-missing', reason: 'incomplete_data' });
  });

  it('routes an amount of the wrong type to review for incomplete data, never an error', () => {
    expect(go({ metadata: { ...standard, amount: 'lots' } })).toMatchObject({
      action: 'review',
      reason: 'incomplete_data',
      group: 'l1',
      rule: null,
    });
  });
});

describe('default (seed 2 ladder)', () => {
  const policy = loadPolicyFile(POLICIES_DIR + 'default.yaml');
  const { go, won } = routerFor(policy);
  afterAll(() => expect([...won].sort()).toEqual(policy.rules.map((r) => r.id).sort()));

  it('keeps the seed ladder: critical 15, high 30, medium a shift, low a day', () => {
    const minutes = Object.fromEntries(
      Object.entries(policy.risk_classes).map(([k, c]) => [k, c.sla_minutes]),
    );
    expect(minutes).toEqual({ critical: 15, high: 30, medium: 480, low: 1440 });
    expect(JSON.stringify(policy.escalation)).toContain('"at":0.75');
  });

  it('holds card data as high risk and records every rule that matched', () => {
    const r = go({ gates: gates({ pii: ['EMAIL_ADDRESS', 'CREDIT_CARD'] }) });
    expect(r).toMatchObject({
      risk_class: 'high',
      action: 'review',
      reason: 'pii_suspicion',
      sla_minutes: 30,
    });
    expect(r.matched_rules).toEqual(['payment-data-in-output', 'contact-details-redacted']);
  });

  it('reviews low confidence and releases redacted contact details', () => {
    expect(go({ confidence: 0.2 }).rule).toBe('low-model-confidence');
    expect(go({ gates: gates({ pii: ['EMAIL_ADDRESS'] }) })).toMatchObject({
      action: 'release',
      risk_class: 'low',
    });
  });

  it('uses the default when nothing matches, with no reason', () => {
    expect(go({})).toMatchObject({ action: 'release', risk_class: 'low', reason: null, matched_rules: [] });
  });
});
