import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileGates, runGates } from '../index.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

// A real classifier stand-in on a local port; each test queues how it answers.
let server: Server;
let base = '';
let handlers: Handler[] = [];
let bodies: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      bodies.push(body);
      const h = handlers.length > 1 ? handlers.shift()! : handlers[0]!;
      h(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  handlers = [];
  bodies = [];
});

const json =
  (status: number, body: unknown, delayMs = 0): Handler =>
  (_req, _body, res) => {
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }, delayMs);
  };

const keys = { hmacKey: new Uint8Array(32) };
const input = {
  prompt: 'Customer: my card 4111 1111 1111 1111',
  output: 'Refund sent to 4111 1111 1111 1111.',
  workflow: 'returns',
};

function gates(extra: Record<string, unknown> = {}, now?: () => number) {
  return compileGates(
    {
      pii: {},
      external: {
        moderation: {
          url: `${base}/classify`,
          timeout_ms: 1_000,
          retries: 1,
          backoff_ms: 1,
          budget_ms: 10_000,
          ...extra,
        },
      },
    },
    { now },
  );
}
async function moderation(set: ReturnType<typeof gates>) {
  return (await runGates(set, input, keys)).results.find((r) => r.name === 'external.moderation')!;
}

describe('external classifier gate, against a live local server', () => {
  it('POSTs the redacted output and maps the risk score to an outcome', async () => {
    handlers = [
      json(200, {
        score: 0.93,
        labels: ['fraud'],
        findings: [{ entity_type: 'FRAUD', start: 0, end: 6, score: 0.93 }],
      }),
    ];
    const r = await moderation(gates());
    expect(r).toMatchObject({ outcome: 'block', score: 0.93, signals: { labels: ['fraud'] } });
    expect(r.findings).toEqual([{ entity_type: 'FRAUD', start: 0, end: 6, score: 0.93, target: 'output' }]);
    expect(JSON.parse(bodies[0]!)).toEqual({
      text: 'Refund sent to <CREDIT_CARD>.',
      prompt: 'Customer: my card <CREDIT_CARD>',
      workflow: 'returns',
    });
  });
  it('retries a 500 and succeeds on the second attempt', async () => {
    handlers = [json(500, { error: 'boom' }), json(200, { score: 0.1 })];
    expect(await moderation(gates())).toMatchObject({ outcome: 'pass', score: 0.1 });
    expect(bodies).toHaveLength(2);
  });
  it('gives up after the bounded retries and records error with on_error', async () => {
    handlers = [json(503, {})];
    const r = await moderation(gates({ retries: 2, on_error: 'fail_closed' }));
    expect(r).toMatchObject({
      outcome: 'error',
      error: 'HTTP 503 (after 3 attempts)',
      on_error: 'fail_closed',
    });
    expect(bodies).toHaveLength(3);
  });
  it('does not retry a 400 or a malformed answer', async () => {
    handlers = [json(400, { error: 'bad' })];
    expect(await moderation(gates())).toMatchObject({ outcome: 'error', error: 'HTTP 400' });
    handlers = [json(200, { verdict: 'ok' })];
    expect((await moderation(gates())).error).toMatch(/no numeric "score"/);
    expect(bodies).toHaveLength(2);
  });
  it('times out a slow answer per attempt, retries, then fails', async () => {
    handlers = [json(200, { score: 0 }, 3_000)];
    const r = await moderation(gates({ timeout_ms: 150 }));
    expect(r).toMatchObject({
      outcome: 'error',
      error: 'no answer within 150 ms (after 2 attempts)',
      on_error: 'fail_open',
    });
  });
  it('answers a slow first attempt with a fast retry', async () => {
    handlers = [json(200, { score: 0.99 }, 3_000), json(200, { score: 0.2 })];
    expect(await moderation(gates({ timeout_ms: 500 }))).toMatchObject({ outcome: 'pass', score: 0.2 });
  });
  it('stops at the gate budget even when retries remain', async () => {
    handlers = [json(200, { score: 0 }, 5_000)];
    const r = await moderation(gates({ timeout_ms: 2_000, retries: 5, budget_ms: 300 }));
    expect(r).toMatchObject({ outcome: 'error', error: 'over its time budget' });
    expect(bodies).toHaveLength(1);
  });
  it('opens the circuit after consecutive failures, then lets one trial through after the reset time', async () => {
    let now = 1_000_000;
    const set = gates({ retries: 0, circuit_failures: 2, circuit_reset_ms: 10_000 }, () => now);
    handlers = [json(500, {})];
    await moderation(set);
    await moderation(set);
    expect(bodies).toHaveLength(2);
    expect((await moderation(set)).error).toBe('circuit open after 2 failed calls');
    expect(bodies).toHaveLength(2);
    now += 10_000;
    handlers = [json(200, { score: 0.3 })];
    expect(await moderation(set)).toMatchObject({ outcome: 'pass', score: 0.3 });
    expect(bodies).toHaveLength(3);
    expect((await moderation(set)).outcome).toBe('pass');
  });
  it('speaks the Presidio analyzer and OpenAI moderation formats', async () => {
    handlers = [json(200, [{ entity_type: 'PERSON', start: 0, end: 4, score: 0.85 }])];
    const presidio = await moderation(gates({ format: 'presidio' }));
    expect(presidio).toMatchObject({ outcome: 'flag', score: 0.85, signals: { entities: ['PERSON'] } });
    expect(JSON.parse(bodies[0]!)).toEqual({ text: 'Refund sent to <CREDIT_CARD>.', language: 'en' });
    handlers = [
      json(200, { results: [{ flagged: true, category_scores: { harassment: 0.7, violence: 0.01 } }] }),
    ];
    const mod = await moderation(gates({ format: 'openai_moderation' }));
    expect(mod).toMatchObject({
      outcome: 'flag',
      score: 0.7,
      signals: { flagged: true, categories: ['harassment'] },
    });
    expect(JSON.parse(bodies[1]!)).toEqual({ input: 'Refund sent to <CREDIT_CARD>.' });
  });
});
