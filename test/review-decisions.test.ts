import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTransaction } from './helpers/factories.js';
import { fakeClock, usePolicy } from './helpers/queue.js';
import { ADMIN_KEY, startTestServer, type TestServer } from './helpers/server.js';

const POLICY = readFileSync(new URL('./helpers/queue-policy.yaml', import.meta.url), 'utf8');
const SIGNED = { confirm_facts: true, write_rationale: true };
const clock = fakeClock('2026-03-02T09:00:00Z');
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({}, { clock: clock.now, scheduler: false });
  usePolicy(s, POLICY);
});
afterAll(async () => {
  await s?.stop();
});
beforeEach(async () => {
  await s.ctx.db.query(`update cases set status = 'closed' where status <> 'closed'`);
});

async function send(category: string, output = `About ${category}: ${Math.random()}`) {
  const res = await s.api('POST', '/v1/transactions', {
    body: makeTransaction({ output, metadata: { category } }),
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; case_id: string };
}

const next = (key: string) => s.api('POST', '/v1/review/next', { key });
const decide = (key: string, id: string, body: Record<string, unknown>) =>
  s.api('POST', `/v1/cases/${id}/decisions`, { key, body });

async function snapshot(caseId: string) {
  const c = await s.ctx.db.query(`select status, level, claimed_by, decision from cases where id = $1`, [
    caseId,
  ]);
  const d = await s.ctx.db.query(`select count(*)::int as n from decisions where case_id = $1`, [caseId]);
  return { ...c.rows[0], decisions: (d.rows[0] as { n: number }).n };
}

describe('decisions', () => {
  it('refuses a sign-off with the checklist incomplete or an unknown reason, changing nothing', async () => {
    const r = await s.key('reviewer');
    const t = await send('billing');
    const card = await next(r);
    expect(card.body.case.checklist).toEqual({
      name: 'sign_off',
      items: ['confirm_facts', 'write_rationale'],
    });
    const before = await snapshot(t.case_id);
    const missing = await decide(r, t.case_id, { action: 'approve', checklist: { confirm_facts: true } });
    expect(missing.status).toBe(422);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.errors).toEqual([
      { pointer: '/checklist/write_rationale', detail: 'must be true before sign-off' },
    ]);
    const badReason = await decide(r, t.case_id, { action: 'reject', reason: 'vibes', checklist: SIGNED });
    expect(badReason.status).toBe(422);
    expect(badReason.body.pointer).toBe('/reason');
    const badTemplate = await decide(r, t.case_id, {
      action: 'approve',
      checklist: SIGNED,
      template_id: 'nope',
    });
    expect(badTemplate.body.pointer).toBe('/template_id');
    expect(await snapshot(t.case_id)).toEqual(before);
  });

  it('takes rejection reasons and templates as data through the API', async () => {
    const lead = await s.key('lead');
    const r = await s.key('reviewer');
    expect(
      (
        await s.api('PUT', '/v1/rejection-reasons/blurry_document', {
          key: lead,
          body: { label: 'Document unreadable' },
        })
      ).status,
    ).toBe(204);
    const tpl = await s.api('POST', '/v1/templates', {
      key: lead,
      body: {
        kind: 'rejection',
        name: 'better-scan',
        body: 'A better-quality document is needed.',
        reason: 'blurry_document',
      },
    });
    expect(tpl.status).toBe(201);
    expect(
      (await s.api('POST', '/v1/templates', { key: r, body: { kind: 'response', name: 'x', body: 'y' } }))
        .status,
    ).toBe(403);
    const dup = await s.api('POST', '/v1/templates', {
      key: lead,
      body: { kind: 'response', name: 'better-scan', body: 'y' },
    });
    expect(dup.status).toBe(422);
    const t = await send('billing');
    const card = await next(r);
    expect(card.body.templates.map((x: { name: string }) => x.name)).toContain('better-scan');
    const res = await decide(r, t.case_id, {
      action: 'reject',
      reason: 'blurry_document',
      template_id: tpl.body.id,
      checklist: SIGNED,
    });
    expect(res.status).toBe(201);
    expect(res.body.verdict).toBe('blocked');
    const { rows } = await s.ctx.db.query(`select rationale, template_id from decisions where case_id = $1`, [
      t.case_id,
    ]);
    expect(rows[0]).toEqual({ rationale: 'A better-quality document is needed.', template_id: tpl.body.id });
    expect((await s.api('GET', '/v1/rejection-reasons', { key: r })).body.reasons).toEqual([
      { code: 'blurry_document', label: 'Document unreadable' },
    ]);
    expect((await s.api('DELETE', `/v1/templates/${tpl.body.id}`, { key: lead })).status).toBe(204);
    expect((await s.api('GET', '/v1/templates', { key: r })).body.templates).toEqual([]);
  });

  it('measures time spent on the server and escalates to a named level with a note, moving the stage clock only', async () => {
    const r = await s.key('reviewer');
    const lead = await s.key('lead');
    const t = await send('billing');
    const card = await next(r);
    clock.advance(90_000);
    const tooHigh = await decide(r, t.case_id, { action: 'escalate', level: 4 });
    expect(tooHigh.status).toBe(422);
    expect(tooHigh.body.code).toBe('escalation_limit');
    const esc = await decide(r, t.case_id, { action: 'escalate', level: 3, note: 'looks like fraud' });
    expect(esc.body).toMatchObject({ verdict: 'held', level: 3, time_spent_ms: 90_000 });
    const l3 = await next(lead);
    expect(l3.body.case).toMatchObject({
      id: t.case_id,
      level: 3,
      group: 'ops',
      due_at: card.body.case.due_at,
    });
    const details = await s.api('GET', `/v1/cases/${t.case_id}/details`, { key: lead });
    const stages = Object.fromEntries(
      details.body.clocks.map((c: { stage: number; clock: unknown }) => [c.stage, c.clock]),
    );
    expect(stages[0]).toMatchObject({ state: 'running', elapsed_minutes: 1.5 });
    expect(stages[1]).toMatchObject({ state: 'stopped', elapsed_minutes: 1.5 });
    expect(stages[3]).toMatchObject({ state: 'running', elapsed_minutes: 0 });
    const { rows } = await s.ctx.db.query(`select note from decisions where case_id = $1`, [t.case_id]);
    expect(rows[0]).toEqual({ note: 'looks like fraud' });
  });
});

describe('several blind reviewers', () => {
  it('hides reviews until all are in, sends disagreement to the next level, and reports kappa', async () => {
    const [a, b] = [await s.key('reviewer'), await s.key('reviewer')];
    const sme = await s.key('sme');
    const t = await send('fraud');
    const first = await next(a);
    expect(first.body.case).toMatchObject({ id: t.case_id, reviewers_required: 2, reviews_done: 0 });
    const ra = await decide(a, t.case_id, { action: 'approve' });
    expect(ra.body).toMatchObject({ verdict: 'held', consensus: { state: 'pending', remaining: 1 } });
    // A never gets it again; B sees it blind.
    expect((await next(a)).status).toBe(204);
    const second = await next(b);
    expect(second.body.case).toMatchObject({ id: t.case_id, reviews_done: 1 });
    expect(second.body.reviews).toBeNull();
    // No reason given: the case's own reason (fraud_signal) is recorded.
    const rb = await decide(b, t.case_id, { action: 'reject' });
    expect(rb.body).toMatchObject({ verdict: 'held', level: 2, consensus: { state: 'adjudication' } });
    const adj = await next(sme);
    expect(adj.body.case.id).toBe(t.case_id);
    expect(adj.body.reviews.map((r: { action: string }) => r.action).sort()).toEqual(['approve', 'reject']);
    expect((await decide(sme, t.case_id, { action: 'reject', reason: 'fraud_signal' })).body.verdict).toBe(
      'blocked',
    );

    // A second case where both agree closes without adjudication.
    const t2 = await send('fraud');
    await next(a);
    await decide(a, t2.case_id, { action: 'reject', reason: 'fraud_signal' });
    await next(b);
    const agreed = await decide(b, t2.case_id, { action: 'reject', reason: 'fraud_signal' });
    expect(agreed.body).toMatchObject({
      verdict: 'blocked',
      consensus: { state: 'agreed', action: 'reject' },
    });

    const report = await s.api('GET', '/v1/reviews/agreement');
    const rule = report.body.rules.find((x: { rule: string }) => x.rule === 'fraud-two-reviewers');
    // Items [approve, reject] and [reject, reject]: p̄ = 0.5, p_e = 0.625 → κ = −1/3.
    expect(rule).toMatchObject({ cases: 2, raters: 2, fleiss_kappa: -0.333 });
    const rb2 = report.body.reviewers.find((x: { cases: number; agreement: number }) => x.agreement === 1);
    expect(rb2).toMatchObject({ cases: 2, cohen_kappa: 1 });
    expect((await s.api('GET', '/v1/reviews/agreement', { key: a })).status).toBe(403);
  });
});

describe('the case card', () => {
  it('shows why the case is queued, time left, and the nearest past decisions of the same rule', async () => {
    const r = await s.key('reviewer');
    const past = [
      'Your refund of 120 EUR for order 1 was approved today.',
      'Your parcel is delayed by the carrier.',
      'Your refund of 99 EUR for order 2 was approved today.',
    ];
    for (const text of past) {
      const t = await send('billing', text);
      await next(r);
      await decide(r, t.case_id, {
        action: 'approve',
        checklist: SIGNED,
        rationale: `ok: ${text.slice(0, 10)}`,
      });
    }
    const other = await send('chat', 'Totally different words here.');
    expect((await next(r)).body.case.id).toBe(other.case_id);
    await decide(r, other.case_id, { action: 'reject', rationale: 'off topic' });
    const t = await send('billing', 'Your refund of 50 EUR for order 3 was approved today.');
    const card = await next(r);
    expect(card.body.case).toMatchObject({
      id: t.case_id,
      risk_class: 'high',
      reason: 'policy_risk',
      breached: false,
    });
    expect(card.body.case.time_left_ms).toBe(30 * 60_000);
    expect(card.body.why.matched_rules).toEqual(['billing-signoff']);
    expect(card.body.transaction.context).toBe('When does my card statement arrive?');
    // Other tests' billing cases are in the history too; the two refunds are nearest.
    const similar = card.body.similar as { rationale: string; similarity: number }[];
    expect(similar.slice(0, 2).map((x) => x.rationale)).toEqual(['ok: Your refun', 'ok: Your refun']);
    const parcel = similar.find((x) => x.rationale === 'ok: Your parce');
    expect(parcel === undefined || parcel.similarity < similar[1]!.similarity).toBe(true);
    // A case of another rule with the same prompt fingerprint (routing gives it) is similar too.
    await s.ctx.db.query(`update cases set fingerprint = 'fp-1' where id in ($1, $2)`, [
      other.case_id,
      t.case_id,
    ]);
    const again = await s.api('GET', `/v1/cases/${t.case_id}/card`, { key: r });
    expect(again.body.case.id).toBe(t.case_id);
    expect(again.body.similar.map((x: { case_id: string }) => x.case_id)).toContain(other.case_id);
    expect(
      (await s.api('GET', `/v1/cases/${t.case_id}/details`, { key: r })).body.timeline.map(
        (e: { kind: string }) => e.kind,
      ),
    ).toEqual(['case.opened', 'case.claimed']);
  });
});

describe('back to the caller', () => {
  it('streams each decided verdict as a Server-Sent Event', async () => {
    const r = await s.key('reviewer');
    const t = await send('billing');
    const abort = new AbortController();
    const res = await fetch(`${s.url}/v1/transactions/stream`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      signal: abort.signal,
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const read = async (until: string) => {
      while (!text.includes(until)) text += decoder.decode((await reader.read()).value);
    };
    await read('event: ready');
    await next(r);
    await decide(r, t.case_id, { action: 'approve', checklist: SIGNED });
    await read('event: verdict');
    await read('\n\n');
    const data = /event: verdict\ndata: (.*)\nid: (.*)\n/.exec(text.slice(text.indexOf('event: verdict')));
    expect(data).not.toBeNull();
    expect(JSON.parse(data![1]!)).toMatchObject({ id: t.id, verdict: 'released' });
    abort.abort();
    expect((await s.api('GET', '/v1/transactions/stream', { key: r })).status).toBe(403);
  });

  it('replays what was decided while a client was away when it reconnects with Last-Event-ID', async () => {
    const r = await s.key('reviewer');
    const decideNext = async () => {
      const card = await next(r);
      await decide(r, card.body.case.id, { action: 'approve', checklist: SIGNED });
    };
    // An hour on, so the replay window holds only this test's verdicts.
    clock.advance(3_600_000);
    const seen = await openStream();
    const first = await send('billing');
    await decideNext();
    // The id the stream gave the first verdict, as a client keeps it.
    const lastId = await seen.verdictIds(1);
    seen.close();
    expect(lastId[0]).toMatch(new RegExp(`^\\d+:${first.id}$`));
    // Away: two more are decided.
    clock.advance(10_000);
    const missed = [await send('billing'), await send('billing')];
    await decideNext();
    clock.advance(1000);
    await decideNext();
    const back = await openStream({ 'last-event-id': lastId[0]! });
    const ids = await back.verdictIds(3);
    back.close();
    // The overlap may send the last seen one again; everything missed comes, oldest first.
    expect(ids.map((i) => i.slice(i.indexOf(':') + 1))).toEqual([first.id, ...missed.map((m) => m.id)]);

    const bad = await s.api('GET', '/v1/transactions/stream', { headers: { 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(422);
    expect(bad.body.pointer).toContain('last-event-id');
  });
});

/** An SSE connection as the admin; `verdictIds(n)` reads until n verdict events arrived. */
async function openStream(headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(`${s.url}/v1/transactions/stream`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers },
    signal: abort.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    async verdictIds(n: number): Promise<string[]> {
      const ids = () => [...text.matchAll(/event: verdict\ndata: .*\nid: (.*)\n/g)].map((m) => m[1]!);
      while (ids().length < n) text += decoder.decode((await reader.read()).value);
      return ids();
    },
    close: () => abort.abort(),
  };
}
