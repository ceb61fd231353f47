import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeTask } from '../src/gates/index.js';
import { makeTransaction } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';

// A local OpenAI-compatible chat-completions endpoint; `reply` decides each answer.
let judge: Server;
let requests: { auth: string | undefined; body: any }[] = [];
let reply: () => { status: number; body: unknown } = () => ({ status: 500, body: {} });
let s: TestServer;
let now = new Date('2026-03-02T09:00:00Z');

beforeAll(async () => {
  judge = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      requests.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
      const r = reply();
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => judge.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(judge.address() as AddressInfo).port}/v1/chat/completions`;
  const policy = join(mkdtempSync(join(tmpdir(), 'gatehouse-judge-')), 'judge.yaml');
  writeFileSync(
    policy,
    `name: judge-test
risk_classes: { low: { rank: 0, sla_minutes: 1440 } }
reasons: [incomplete_data]
gates:
  pii: {}
  judge: { url: "${url}", model: judge-mini, sample_rate: 1, max_attempts: 2, api_key_env: GATEHOUSE_TEST_JUDGE_KEY }
rules: []
default: { risk_class: low, reason: null, action: release }
on_error: { risk_class: low, reason: incomplete_data, action: review }
`,
  );
  process.env.GATEHOUSE_TEST_JUDGE_KEY = 'sk-test-judge';
  s = await startTestServer({ policy }, { clock: () => now, scheduler: false });
});
afterAll(async () => {
  await s?.stop();
  judge.closeAllConnections();
  await new Promise((resolve) => judge.close(resolve));
});

const chat = (content: string) => ({
  status: 200,
  body: { choices: [{ message: { role: 'assistant', content } }] },
});

describe('sampled LLM judge', () => {
  it('queues sampled transactions at intake and scores them later, off the hot path', async () => {
    requests = [];
    const sent = await s.api('POST', '/v1/transactions', {
      body: makeTransaction({ output: 'Your statement went to jane@example.com.' }),
    });
    expect(sent.body.verdict).toBe('released');
    expect(requests).toHaveLength(0);
    reply = () => chat('{"score": 4, "rationale": "Correct but terse."}');
    await judgeTask.run(s.ctx);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.auth).toBe('Bearer sk-test-judge');
    expect(requests[0]!.body.model).toBe('judge-mini');
    expect(requests[0]!.body.messages[0].content).toMatch(/Score the assistant reply from 1 to 5/);
    expect(requests[0]!.body.messages[1].content).toContain('Your statement went to <EMAIL_ADDRESS>.');
    const { rows } = await s.ctx.db.query(
      `select transaction_id, score, rationale, model, judged_at from judge_scores where transaction_id = $1`,
      [sent.body.id],
    );
    expect(rows).toEqual([
      {
        transaction_id: sent.body.id,
        score: 4,
        rationale: 'Correct but terse.',
        model: 'judge-mini',
        judged_at: now,
      },
    ]);
    await judgeTask.run(s.ctx);
    expect(requests).toHaveLength(1);
  });

  it('retries a failed call after its back-off, then gives up after max_attempts', async () => {
    requests = [];
    reply = () => ({ status: 503, body: {} });
    const sent = await s.api('POST', '/v1/transactions', { body: makeTransaction() });
    await judgeTask.run(s.ctx);
    const job = async () =>
      (
        await s.ctx.db.query(
          `select status, attempts, last_error from judge_jobs where transaction_id = $1`,
          [sent.body.id],
        )
      ).rows[0];
    expect(await job()).toEqual({ status: 'pending', attempts: 1, last_error: 'HTTP 503' });
    await judgeTask.run(s.ctx);
    expect(requests).toHaveLength(1);
    now = new Date(now.getTime() + 61_000);
    await judgeTask.run(s.ctx);
    expect(requests).toHaveLength(2);
    expect(await job()).toEqual({ status: 'failed', attempts: 2, last_error: 'HTTP 503' });
  });
});
