import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { rollUp } from '../src/slo/index.js';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const DAY = 86_400_000;
const T = new Date('2026-03-10T09:00:00Z');
let now = T;
let s: TestServer;
let ingest: string;
let lead: string;
let releasedToday: string;

async function send(
  n: number,
  body: Record<string, unknown> = {},
): Promise<{ id: string; case_id: string | null }[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = await s.api('POST', '/v1/transactions', { key: ingest, body: makeTransaction(body) });
    expect(r.status).toBe(201);
    out.push(r.body);
  }
  return out;
}

async function decide(reviewer: string, action: 'approve' | 'edit', after_ms: number) {
  const card = await s.api('POST', '/v1/review/next', { key: reviewer });
  expect(card.status).toBe(200);
  now = new Date(now.getTime() + after_ms);
  const body = action === 'edit' ? { action, output: 'Fixed.', reason: 'tone' } : { action, reason: 'ok' };
  const r = await s.api('POST', `/v1/cases/${card.body.case.id}/decisions`, { key: reviewer, body });
  expect(r.status).toBe(201);
}

beforeAll(async () => {
  s = await startTestServer({}, { clock: () => now, scheduler: false });
  ingest = await s.key('ingest');
  lead = await s.key('lead');
  const usual = await s.key('reviewer');
  const standIn = await s.key('reviewer');
  // Three earlier days: the usual reviewer decides one held case a day.
  for (let d = 3; d >= 1; d--) {
    now = new Date(T.getTime() - d * DAY);
    await send(4);
    await send(1, { output: STORY_OUTPUT });
    await decide(usual, 'approve', 60_000);
  }
  // Today: a new workflow, four held cases; the stand-in decides two (closed 4 and 7 minutes after
  // entering), two wait past their 30 min.
  now = T;
  const released = await send(10, { workflow: 'returns' });
  releasedToday = released[0]!.id;
  await send(4, { output: STORY_OUTPUT, workflow: 'returns' });
  await decide(standIn, 'approve', 4 * 60_000);
  await decide(standIn, 'edit', 3 * 60_000);
  now = new Date(T.getTime() + 45 * 60_000);
  const incident = await s.api('POST', '/v1/feedback', {
    key: ingest,
    body: { transaction_id: releasedToday, kind: 'safety_incident', detail: 'leaked an internal note' },
  });
  expect(incident.status).toBe(201);
});
afterAll(async () => {
  await s?.stop();
});

describe('GET /v1/metrics/sla', () => {
  it('reports seed 1’s template and seed 2’s queue metrics per risk class, with medians', async () => {
    const r = await s.api('GET', '/v1/metrics/sla?window=2h', { key: lead });
    expect(r.status).toBe(200);
    const { sla, by_risk_class } = r.body;
    expect(sla.automated_pass_rate).toMatchObject({ value: 10 / 14, target: 0.95, met: false });
    expect(sla.human_review_pass_rate).toMatchObject({ value: 0.5, met: false });
    expect(sla.tat_non_critical_business_minutes).toMatchObject({ median: 5.5, n: 2, met: true });
    // 10 released by the gates and 2 by reviewers.
    expect(sla.safety_violation_rate).toMatchObject({ value: 1 / 12, incidents: 1, met: false });
    expect(sla.audit_completeness).toMatchObject({ value: 1, total: 14, met: true });
    const high = by_risk_class.find((c: { risk_class: string }) => c.risk_class === 'high');
    expect(high.backlog).toEqual({ open: 2, overdue: 2, overdue_share: 1 });
    expect(high.manual_review_share).toBe(1);
    expect(high.sla_met.closed).toBe(1);
    expect(high.top_reviewer_share).toBe(1);
    expect(high.first_action_minutes).toMatchObject({ median: 2, n: 2 });
    expect(r.body.top_decision_reasons).toEqual(
      expect.arrayContaining([
        { action: 'approve', reason: 'ok', count: 1 },
        { action: 'edit', reason: 'tone', count: 1 },
      ]),
    );
  });

  it('refuses a window that ends before it starts, naming the field', async () => {
    const r = await s.api('GET', '/v1/metrics/sla?from=2026-03-10T10:00:00Z&to=2026-03-10T09:00:00Z', {
      key: lead,
    });
    expect(r.status).toBe(422);
    expect(r.body.pointer).toBe('/from');
  });
});

describe('GET /v1/reports/daily', () => {
  it('answers the five questions and says why the day deviates', async () => {
    const r = await s.api('GET', '/v1/reports/daily', { key: lead });
    expect(r.status).toBe(200);
    expect(r.body.date).toBe('2026-03-10');
    expect(r.body.overdue_now).toMatchObject({ open: 2, overdue: 2, overdue_share: 1 });
    expect(r.body.manual_review.share).toBeCloseTo(4 / 14, 12);
    expect(r.body.manual_review.previous_7d).toBeCloseTo(3 / 15, 12);
    expect(r.body.manual_review.hourly.transactions[9]).toBe(14);
    expect(r.body.deviations.join('\n')).toMatch(/2 of 2 open cases are past their SLA/);
    expect(r.body.deviations.join('\n')).toMatch(/manual review share 28\.6 % vs 20\.0 %/);
    const reasons = r.body.likely_reasons.join('\n');
    expect(reasons).toMatch(/new category: workflow 'returns'/);
    expect(reasons).toMatch(/missing reviewer: .* decided on 3 of the previous 7 days, none today/);
    const bad = await s.api('GET', '/v1/reports/daily?date=2026-13-45', { key: lead });
    expect(bad.status).toBe(422);
  });
});

describe('the CLI', () => {
  async function cli(args: string[]): Promise<{ code: number; out: string }> {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    try {
      const code = await main([...args, '--url', s.url, '--key', lead]);
      return { code, out };
    } finally {
      spy.mockRestore();
    }
  }

  it('gatehouse slo status prints the four panels, and --json the API answer', async () => {
    await rollUp(s.ctx);
    const text = await cli(['slo', 'status']);
    expect(text.code).toBe(0);
    for (const panel of ['LATENCY', 'QUALITY', 'COST', 'AVAILABILITY']) expect(text.out).toContain(panel);
    expect(text.out).toMatch(/✓ success\s+100\.0 % \/ 100\.0 %/);
    const json = await cli(['slo', 'status', '--json']);
    expect(JSON.parse(json.out).slos.find((x: { name: string }) => x.name === 'success').events.total).toBe(
      29,
    );
  });

  it('gatehouse report daily prints a chart per panel', async () => {
    const text = await cli(['report', 'daily']);
    expect(text.code).toBe(0);
    expect(text.out).toContain('1. OVERDUE NOW  2 of 2 open (100.0 %)');
    expect(text.out).toMatch(/sent {2}\|[▁▂▃▄▅▆▇█]{24}\|/);
    expect(text.out).toContain("? new category: workflow 'returns'");
    const json = await cli(['report', 'daily', '--json', '--date', '2026-03-09']);
    expect(JSON.parse(json.out).manual_review.transactions).toBe(5);
  });
});
