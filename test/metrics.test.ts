import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollUp } from '../src/slo/index.js';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { promtool } from './helpers/promtool.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let s: TestServer;
let t: TestServer;
beforeAll(async () => {
  s = await startTestServer({}, { scheduler: false });
  t = await startTestServer({}, { scheduler: false });
});
afterAll(async () => {
  await s?.stop();
  await t?.stop();
});

const scrape = async (server: TestServer) => {
  const res = await fetch(server.url + '/metrics');
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
};

describe('/metrics', () => {
  it('exports the rolled-up signals as gatehouse_ histograms and counters, valid for promtool', async () => {
    const ingest = await s.key('ingest');
    const send = (ttft: number, extra: Record<string, unknown> = {}) =>
      s.api('POST', '/v1/transactions', {
        key: ingest,
        body: makeTransaction({
          telemetry: {
            ttft_ms: ttft,
            latency_ms: 2000,
            cost_usd: 0.01,
            provider: 'openai',
            surface: 'chat',
            ...extra,
          },
        }),
      });
    // The held story transaction below carries the factory's telemetry: TTFT 210 ms, chat, openai.
    for (const ttft of [90, 200, 200, 700]) expect((await send(ttft)).status).toBe(201);
    expect((await send(5000, { success: false })).status).toBe(201);
    expect(
      (
        await s.api('POST', '/v1/transactions', {
          key: ingest,
          body: makeTransaction({ output: STORY_OUTPUT }),
        })
      ).status,
    ).toBe(201);
    await rollUp(s.ctx);

    const text = await scrape(s);
    expect(text).toContain('gatehouse_llm_ttft_seconds_bucket{surface="chat",provider="openai",le="0.1"} 1');
    expect(text).toContain('gatehouse_llm_ttft_seconds_bucket{surface="chat",provider="openai",le="0.25"} 4');
    expect(text).toContain('gatehouse_llm_ttft_seconds_bucket{surface="chat",provider="openai",le="+Inf"} 6');
    expect(text).toMatch(/gatehouse_llm_ttft_seconds_sum\{surface="chat",provider="openai"\} 6\.4$/m);
    expect(text).toContain(
      'gatehouse_llm_requests_total{surface="chat",provider="openai",outcome="failure"} 1',
    );
    expect(text).toContain(
      'gatehouse_llm_requests_total{surface="chat",provider="openai",outcome="success"} 5',
    );
    expect(text).toMatch(/gatehouse_gate_outcomes_total\{gate="pii",outcome="pass"\} \d+/);
    expect(text).toContain('gatehouse_queue_depth{risk_class="high"} 1');
    expect(text).toMatch(/^gatehouse_queue_oldest_age_seconds\{risk_class="high"\} \d/m);
    for (const l of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(l).toMatch(/^gatehouse_/);

    const check = promtool(['check', 'metrics'], text);
    expect(check.out).not.toMatch(/error/i);
    expect(check.status).toBe(0);
  });

  it('counts review turnarounds by risk class once a decision closes the case', async () => {
    const reviewer = await s.key('reviewer');
    const card = await s.api('POST', '/v1/review/next', { key: reviewer });
    expect(card.status).toBe(200);
    const decided = await s.api('POST', `/v1/cases/${card.body.case.id}/decisions`, {
      key: reviewer,
      body: { action: 'approve' },
    });
    expect(decided.status).toBe(201);
    await rollUp(s.ctx);
    const text = await scrape(s);
    expect(text).toContain('gatehouse_review_tat_seconds_bucket{risk_class="high",le="60"} 1');
    expect(text).toContain('gatehouse_review_tat_seconds_count{risk_class="high"} 1');
    expect(text).not.toContain('gatehouse_queue_depth{risk_class="high"}');
  });

  it('keeps one registry per server (held in ctx, not a module singleton)', async () => {
    const other = await scrape(t);
    expect(other).not.toContain('gatehouse_llm_ttft_seconds_bucket{surface="chat"');
    expect(s.ctx.metrics.registry).not.toBe(t.ctx.metrics.registry);
  });
});
