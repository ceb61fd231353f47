import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planIntakeEscalation, writeIntakeEscalations } from '../src/escalation/index.js';
import { deliverDueNotifications, enqueueNotification } from '../src/notify/index.js';
import { fakeClock, startReceiver, writeEscalationPolicy, type Receiver } from './escalation-helpers.js';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE } from './helpers/store.js';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  // A free port first: smtp-server's listen wraps net.Server.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe(`notification channels and decision rules (${STORE})`, () => {
  let s: TestServer;
  let r: Receiver;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const clock = fakeClock('2026-03-02T08:00:00Z');
  let secrets: (name: string) => string | undefined;

  beforeAll(async () => {
    r = await startReceiver();
    smtp = await startSmtp();
    secrets = (name) => ({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}` })[name];
    const policy = writeEscalationPolicy(`
groups:
  l1: { level: 1 }
  sme: { level: 2, shifts: [{ member: sam, role: lead }] }
escalation:
  edit_quality: { edit_ratio_over: 0.3, sample_rate: 1, to_group: sme }
  notify: { sme: [quality], ml_ops: [ml_ops] }
notifications:
  channels:
    quality: { type: webhook, url: '${r.url}/quality' }
    ml_ops: { type: slack, url: '${r.url}/slack' }
    returns: { type: webhook, url: '${r.url}/returns' }
    mail: { type: email, smtp_url_env: SMTP_URL, to: [ops@example.com], from: gatehouse@example.com }
  callbacks: { customer-replies: returns }
`);
    s = await startTestServer({ policy }, { clock: clock.now, scheduler: false });
  });
  afterAll(async () => {
    await s.stop();
    await r.close();
    await smtp.close();
  });

  it('sends e-mail through a real SMTP server with the stable id as Message-ID', async () => {
    const [id] = await s.ctx.db.transaction((tx) =>
      enqueueNotification(tx, {
        tenantId: 'default',
        channels: ['mail'],
        type: 'slo.alert',
        data: { title: 'latency budget burning 14.4x' },
        at: clock.now(),
      }),
    );
    expect(await deliverDueNotifications(s.ctx, secrets)).toBe(1);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ from: 'gatehouse@example.com', to: ['ops@example.com'] });
    expect(smtp.mails[0]!.raw).toContain(`Message-ID: <${id}@gatehouse>`);
    expect(smtp.mails[0]!.raw).toMatch(/Subject: \[gatehouse\] slo.alert: latency budget burning 14.4x/);
  });

  it('flags an edit over 30 % and sends it to the SME group; tells the workflow its transaction was decided', async () => {
    const reviewer = await s.key('reviewer');
    const sent = await s.api('POST', '/v1/transactions', { body: makeTransaction({ output: STORY_OUTPUT }) });
    const small = await s.api('POST', '/v1/transactions', {
      body: makeTransaction({ output: STORY_OUTPUT }),
    });
    const edits: [typeof sent.body, (shown: string) => string][] = [
      [sent.body, () => 'I have updated your profile.'],
      [small.body, (shown) => shown.replace('updated', 'changed')],
    ];
    for (const [tx, edit] of edits) {
      const card = await s.api('POST', '/v1/review/next', { key: reviewer });
      expect(card.body.case.id).toBe(tx.case_id);
      const decided = await s.api('POST', `/v1/cases/${tx.case_id}/decisions`, {
        key: reviewer,
        body: { action: 'edit', output: edit(card.body.transaction.output) },
      });
      expect(decided.status).toBe(201);
    }
    const { rows } = await s.ctx.db.query<{ case_id: string; sampled: boolean; to_group: string }>(
      `select case_id, sampled, to_group from quality_flags`,
    );
    expect(rows).toEqual([{ case_id: sent.body.case_id, sampled: true, to_group: 'sme' }]);
    await deliverDueNotifications(s.ctx, secrets);
    const quality = r.got.filter((g) => g.path === '/quality');
    expect(quality.map((g) => [g.json.type, g.json.data.case_id, g.json.data.recipients])).toEqual([
      ['quality.sample', sent.body.case_id, ['sam']],
    ]);
    const returns = r.got.filter((g) => g.path === '/returns').map((g) => g.json);
    expect(returns.map((p) => [p.type, p.data.transaction_id, p.data.verdict])).toEqual([
      ['transaction.decided', sent.body.id, 'released'],
      ['transaction.decided', small.body.id, 'released'],
    ]);
  });

  it('opens one L3 incident when a rule with incident: true matches again and again, notifying ML ops once', async () => {
    const route = {
      matched_rules: ['same-prompt-fails-3x'],
      incident: true,
      fingerprint: 'f00d',
      notify: ['ml_ops'],
    };
    for (const id of ['t1', 't2', 't3']) {
      const plan = planIntakeEscalation(
        s.ctx.policy(),
        { tenantId: 'default', transactionId: id, workflow: 'w', prompt: 'p', case: null, route },
        clock.now(),
      );
      await writeIntakeEscalations(s.ctx.db, [plan]);
    }
    const lead = await s.key('lead');
    const list = await s.api('GET', '/v1/incidents', { key: lead });
    const incident = list.body.incidents.find(
      (i: { dedup_key: string }) => i.dedup_key === 'gatehouse:same-prompt-fails-3x:f00d',
    );
    expect(incident).toMatchObject({ status: 'open', occurrences: 3 });
    const full = await s.api('GET', `/v1/incidents/${incident.id}`, { key: lead });
    expect(full.body.links.map((l: { subject_id: string }) => l.subject_id)).toEqual(['t1', 't2', 't3']);
    await deliverDueNotifications(s.ctx, secrets);
    const slack = r.got.filter((g) => g.path === '/slack');
    expect(slack).toHaveLength(1);
    expect(slack[0]!.json.text).toContain('incident.opened');
  });
});
