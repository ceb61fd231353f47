import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POLICIES_DIR } from '../../config.js';
import { diffPolicies } from './diff.js';
import { locatePolicyError, parsePolicy } from './policy.js';
import { policyJsonSchema } from './schema.js';

const HEAD = `name: t
risk_classes:
  high: { rank: 0, sla_minutes: 30 }
  low: { rank: 1, sla: { minutes: 60 } }
reasons: [x, incomplete_data]
`;
const TAIL = `default: { risk_class: low, action: release }
on_error: { risk_class: low, reason: incomplete_data, action: review }
`;
const withRules = (rules: string, extra = '') =>
  `${HEAD}${extra}rules:${rules ? '\n' + rules : ' []\n'}${TAIL}`;
const rule = (id: string, when: string, then = '{ risk_class: high, reason: x, action: review }') =>
  `  - id: ${id}\n    when: ${when}\n    then: ${then}\n`;

describe('policy validation', () => {
  it('names the file, line, column and YAML path of a schema error', () => {
    const text = withRules(rule('a', "{ path: confidence, lt: 'low' }"));
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(/^p\.yaml:8:11: rules\.0\.when: /);
  });

  it('points at an unknown key', () => {
    const text = withRules(
      rule('a', '{ path: confidence, lt: 0.5 }', '{ risk_class: high, action: review, colour: red }'),
    );
    expect(() => parsePolicy(text, 'p.yaml')).toThrow(/^p\.yaml:9:\d+: rules\.0\.then\.colour: /);
  });

  it('refuses an unknown risk class, reason, gate and counter, each at its line', () => {
    const bad =
      (then: string, when = '{ path: confidence, lt: 0.5 }') =>
      () =>
        parsePolicy(withRules(rule('a', when, then)), 'p.yaml');
    expect(bad('{ risk_class: critical, action: review }')).toThrow(
      /p\.yaml:9:\d+: rules\.0\.then\.risk_class: unknown risk class "critical"/,
    );
    expect(bad('{ risk_class: high, reason: nope, action: review }')).toThrow(/"nope" is not in reasons/);
    expect(bad('{ risk_class: high, action: review }', '{ path: gates.safety.score, lt: 0.2 }')).toThrow(
      /p\.yaml:8:\d+: rules\.0\.when: unknown gate "safety"/,
    );
    expect(bad('{ risk_class: high, action: review }', '{ path: counters.nope, gt: 1 }')).toThrow(
      /unknown counter "nope"/,
    );
    expect(bad('{ risk_class: high, action: review }', '{ path: amount, gt: 1 }')).toThrow(
      /unknown fact "amount"/,
    );
  });

  it('refuses a class without an SLA and ranks that are not consecutive', () => {
    const noSla = withRules('', '').replace('sla_minutes: 30', 'reviewers: 2');
    expect(() => parsePolicy(noSla, 'p.yaml')).toThrow(
      /p\.yaml:3:\d+: risk_classes\.high: the class has no SLA/,
    );
    const gap = withRules('').replace('rank: 1', 'rank: 2');
    expect(() => parsePolicy(gap)).toThrow(/ranks must be consecutive/);
  });

  it('refuses a condition that can never hold', () => {
    const never = '{ all: [ { path: metadata.amount, gt: 100 }, { path: metadata.amount, lt: 50 } ] }';
    expect(() => parsePolicy(withRules(rule('a', never)), 'p.yaml')).toThrow(
      /p\.yaml:8:\d+: rules\.0\.when: the condition can never hold: metadata\.amount/,
    );
    const twoEq = '{ all: [ { path: workflow, eq: a }, { path: workflow, eq: b } ] }';
    expect(() => parsePolicy(withRules(rule('a', twoEq)))).toThrow(/two different eq values/);
    expect(() => parsePolicy(withRules(rule('a', '{ path: workflow, in: [] }')))).toThrow(/can never hold/);
  });

  it('refuses an unreachable rule and a duplicate id', () => {
    const when = '{ path: confidence, lt: 0.5 }';
    const shadowed = withRules(rule('a', when) + rule('b', when, '{ risk_class: low, action: review }'));
    expect(() => parsePolicy(shadowed, 'p.yaml')).toThrow(/p\.yaml:10:\d+: rules\.1: unreachable: rule "a"/);
    // The same condition with a higher risk class still wins, so it is reachable.
    expect(() =>
      parsePolicy(withRules(rule('a', when, '{ risk_class: low, action: review }') + rule('b', when))),
    ).not.toThrow();
    expect(() =>
      parsePolicy(withRules(rule('a', when) + rule('a', '{ path: confidence, lt: 0.2 }'))),
    ).toThrow(/duplicate rule id "a"/);
  });

  it('checks references to calendars, groups, checklists and channels', () => {
    const then = (t: string) => () => parsePolicy(withRules(rule('a', '{ path: confidence, lt: 0.5 }', t)));
    expect(then('{ risk_class: high, action: review, sla: { business_hours: 2, calendar: x } }')).toThrow(
      /unknown calendar "x"/,
    );
    expect(then('{ risk_class: high, action: review, checklist: sign_off }')).toThrow(/unknown checklist/);
    expect(then('{ risk_class: high, action: review, notify: [pager] }')).toThrow(
      /unknown notification channel/,
    );
    expect(then('{ risk_class: high, action: sample }')).toThrow(/action sample needs a sample_rate/);
    expect(then('{ risk_class: high, action: release, fold: { window_minutes: 5 } }')).toThrow(
      /only to action: review/,
    );
  });

  it('names a bad calendar field', () => {
    const cal = `calendars:\n  support: { time_zone: Mars/Olympus, hours: { mon: ['09:00-18:00'] } }\n`;
    expect(() => parsePolicy(withRules('', cal), 'p.yaml')).toThrow(
      /p\.yaml:7:\d+: calendars\.support\.time_zone: /,
    );
  });

  it('gives another domain’s section error the file, line and column', () => {
    const text = withRules('', 'gates:\n  pii:\n    min_score: 2\n');
    const policy = parsePolicy(text, 'p.yaml');
    const err = locatePolicyError(policy, new Error('gates.pii.min_score: must be at most 1'));
    expect(err.message).toBe('p.yaml:8:16: gates.pii.min_score: must be at most 1');
    expect(err.code).toBe('policy_invalid');
  });

  it('reports a YAML syntax error with its position', () => {
    expect(() => parsePolicy('name: [unclosed\n', 'p.yaml')).toThrow(/^p\.yaml:\d+:\d+: /);
  });

  it('versions a policy by its content', () => {
    const text = withRules('');
    expect(parsePolicy(text).version).toMatch(/^t@[0-9a-f]{12}$/);
    expect(parsePolicy(text + '# changed\n').version).not.toBe(parsePolicy(text).version);
  });
});

describe('the JSON Schema', () => {
  it('describes the policy file and its rules', () => {
    const schema = policyJsonSchema();
    expect(schema.$schema).toMatch(/json-schema/);
    const props = schema.properties as Record<string, unknown>;
    expect(Object.keys(props)).toEqual(
      expect.arrayContaining(['risk_classes', 'rules', 'counters', 'fingerprint']),
    );
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'risk_classes', 'rules', 'default']));
  });
});

describe('policy diff', () => {
  it('lists added, removed and changed rules and sections', () => {
    const a = parsePolicy(readFileSync(POLICIES_DIR + 'default.yaml', 'utf8'), 'a.yaml');
    const changed = readFileSync(POLICIES_DIR + 'default.yaml', 'utf8')
      .replace('risk_class: medium, reason: low_confidence', 'risk_class: high, reason: low_confidence')
      .replace('  - id: contact-details-redacted', '  - id: contact-details-released')
      .replace('high: { rank: 1, sla_minutes: 30 }', 'high: { rank: 1, sla_minutes: 20 }');
    const b = parsePolicy(changed, 'b.yaml');
    const d = diffPolicies(a, b);
    expect(d.changes).toEqual(
      expect.arrayContaining([
        {
          kind: 'changed',
          what: 'rule low-model-confidence',
          path: 'then.risk_class',
          from: 'medium',
          to: 'high',
        },
        { kind: 'removed', what: 'rule contact-details-redacted' },
        { kind: 'added', what: 'rule contact-details-released' },
        { kind: 'changed', what: 'risk_classes', path: 'high.sla_minutes', from: 30, to: 20 },
      ]),
    );
    expect(diffPolicies(a, a).changes).toEqual([]);
  });
});
