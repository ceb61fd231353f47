import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request a receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

/** A real local HTTP receiver: records what arrives; `down` makes it answer 503. */
export interface Receiver {
  url: string;
  got: Received[];
  down: boolean;
  close(): Promise<void>;
}

/** Starts a receiver on a free port. */
export async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', got: [], down: false, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (r.down) {
        res.writeHead(503).end();
        return;
      }
      r.got.push({ path: req.url ?? '', headers: req.headers, body, json: body ? JSON.parse(body) : null });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  r.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return r;
}

/** The default policy's routing plus escalation sections, written to a temporary file. */
export function writeEscalationPolicy(sections: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'gh-esc-policy-')), 'policy.yaml');
  writeFileSync(
    file,
    `name: escalation-test
risk_classes:
  critical: { rank: 0, sla_minutes: 15 }
  high: { rank: 1, sla_minutes: 40 }
  medium: { rank: 2, sla_minutes: 480 }
  low: { rank: 3, sla_minutes: 1440 }
reasons: [low_confidence, pii_suspicion, incomplete_data]
gates:
  pii:
    min_score: 0.5
    operators:
      DEFAULT: { type: replace }
      CREDIT_CARD: { type: mask, keep_last: 4 }
rules:
  - id: payment-data-in-output
    when: { path: gates.pii.entities, contains: CREDIT_CARD }
    then: { risk_class: high, reason: pii_suspicion, action: review }
  - id: low-model-confidence
    when: { path: confidence, lt: 0.5 }
    then: { risk_class: medium, reason: low_confidence, action: review }
default: { risk_class: low, reason: null, action: release }
on_error: { risk_class: medium, reason: incomplete_data, action: review }
${sections}`,
  );
  return file;
}

/** A mutable fake clock. */
export function fakeClock(start: string): {
  now: () => Date;
  advanceMinutes(m: number): void;
  set(iso: string): void;
} {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advanceMinutes: (m) => (t += m * 60_000),
    set: (iso) => (t = new Date(iso).getTime()),
  };
}
