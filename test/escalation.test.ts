import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  escalationPolicy,
  fireDueSteps,
  rescheduleCase,
  scheduleMissedCases,
} from '../src/escalation/index.js';
import { deliverDueNotifications, verifyWebhook } from '../src/notify/index.js';
import { fakeClock, startReceiver, writeEscalationPolicy, type Receiver } from './escalation-helpers.js';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE } from './helpers/store.js';

const SECRET = 'whsec_' + Buffer.from('escalation-test-secret-0123456789').toString('base64');
const secrets = (name: string) => ({ HOOK_SECRET: SECRET, PD_KEY: 'pd-routing-key' })[name];

const sections = (receiver: string, retry = '{ max_attempts: 5, base_seconds: 10, max_seconds: 60 }') => `
groups:
  l1: { level: 1, backup: backup, shifts: [{ member: anna, role: lead }, { member: bob, role: member }] }
  backup: { level: 1, shifts: [{ member: ben, role: lead }, { member: carol, role: member }] }
  sme: { level: 2, shifts: [{ member: sam, role: member }] }
  ops: { level: 3, shifts: [{ member: olga, role: lead }] }
escalation:
  ladders:
    standard:
      - { at: 0.5, step: warn, actions: [notify_assignee] }
      - { at: 0.75, step: pre_breach, actions: [bump_priority, notify_shift_lead, move_to_backup], repeat: { every_minutes: 2, max: 3 } }
      - { at: 1.0, step: breach, actions: [notify_backup, escalate_ops_manager, raise_level] }
      - { at: 2.0, step: overdue, actions: [open_incident] }
  review_time_limit: { minutes: 120, to_level: 2 }
  notify: { ops_manager: [ops, pager], ml_ops: [ml_ops], sme: [ops], assignee: [ops], shift_lead: [ops], backup: [ops] }
notifications:
  channels:
    ops: { type: webhook, url: '${receiver}/ops', secret_env: HOOK_SECRET }
    pager: { type: pagerduty, url: '${receiver}/pd', routing_key_env: PD_KEY }
    ml_ops: { type: slack, url: '${receiver}/slack' }
  callbacks: { customer-replies: ops }
  retry: ${retry}
`;

async function setup(
  retry?: string,
): Promise<{ s: TestServer; r: Receiver; clock: ReturnType<typeof fakeClock> }> {
  const r = await startReceiver();
  const clock = fakeClock('2026-03-02T08:00:00Z');
  const s = await startTestServer(
    { policy: writeEscalationPolicy(sections(r.url, retry)) },
    { clock: clock.now, scheduler: false },
  );
  return { s, r, clock };
}

async function holdCase(s: TestServer, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await s.api('POST', '/v1/transactions', {
    body: makeTransaction({ output: STORY_OUTPUT, ...overrides }),
  });
  expect(res.body.verdict).toBe('held');
  return res.body.case_id as string;
}

async function caseRow(s: TestServer, id: string) {
  const { rows } = await s.ctx.db.query<{
    level: number;
    bump: number;
    group_name: string | null;
    status: string;
  }>(`select level, bump, group_name, status from cases where id = $1`, [id]);
  return rows[0]!;
}

const deliver = (s: TestServer) => deliverDueNotifications(s.ctx, secrets);

describe(`escalation ladder (${STORE})`, () => {
  let s: TestServer;
  let r: Receiver;
  let clock: ReturnType<typeof fakeClock>;
  beforeAll(async () => ({ s, r, clock } = await setup()));
  afterAll(async () => {
    await s.stop();
    await r.close();
  });

  it('fires each rung once at its share of the SLA, acts on the case, and stops repeats on ack', async () => {
    const id = await holdCase(s); // high: 40 min
    const lead = await s.key('lead');
    clock.advanceMinutes(19);
    expect(await fireDueSteps(s.ctx)).toBe(0);
    clock.advanceMinutes(1); // 50 %
    expect(await fireDueSteps(s.ctx)).toBe(1);
    expect(await fireDueSteps(s.ctx)).toBe(0);
    clock.advanceMinutes(10); // 75 %
    expect(await fireDueSteps(s.ctx)).toBe(1);
    expect(await caseRow(s, id)).toMatchObject({ bump: 1, group_name: 'backup', level: 1 });
    clock.advanceMinutes(2); // first repeat
    expect(await fireDueSteps(s.ctx)).toBe(1);
    expect((await s.api('POST', `/v1/cases/${id}/escalation/acknowledge`, { key: lead })).status).toBe(204);
    clock.advanceMinutes(6); // 38 min: repeats 2 and 3 would have been due
    expect(await fireDueSteps(s.ctx)).toBe(0);
    clock.advanceMinutes(2); // 100 %
    expect(await fireDueSteps(s.ctx)).toBe(1);
    // Breach raises the level without touching the deadline.
    expect(await caseRow(s, id)).toMatchObject({ level: 2, group_name: 'sme', status: 'open' });
    const fired = await s.api('GET', `/v1/cases/${id}/escalations`, { key: lead });
    expect(
      fired.body.escalations.map((f: { step: string; repeat_n: number }) => `${f.step}#${f.repeat_n}`),
    ).toEqual(['warn#0', 'pre_breach#0', 'pre_breach#1', 'breach#0']);

    expect(await deliver(s)).toBeGreaterThan(0);
    const ops = r.got.filter((g) => g.path === '/ops' && g.json.data.case_id === id);
    for (const g of ops) {
      const headers = {
        id: String(g.headers['webhook-id']),
        timestamp: String(g.headers['webhook-timestamp']),
        signature: String(g.headers['webhook-signature']),
      };
      expect(headers.id).toBe(g.json.id);
      expect(verifyWebhook(SECRET, headers, g.body)).toBe(true);
    }
    expect(
      ops.map((g) => `${g.json.type}:${g.json.data.audience}:${g.json.data.recipients.join('+')}`),
    ).toEqual([
      'escalation.warn:assignee:bob',
      'escalation.pre_breach:shift_lead:anna',
      // The first pre-breach moved the case to the backup group: its repeat goes to that group's lead.
      'escalation.pre_breach:shift_lead:ben',
      'escalation.breach:backup:carol',
      'escalation.breach:ops_manager:olga',
    ]);
    const pd = r.got.filter((g) => g.path === '/pd' && g.json.payload.custom_details.case_id === id);
    expect(pd).toHaveLength(1);
    expect(pd[0]!.json).toMatchObject({ routing_key: 'pd-routing-key', event_action: 'trigger' });

    const audit = await s.api('GET', `/v1/transactions/${ops[0]!.json.data.transaction_id}/audit`);
    const kinds = audit.body.entries.map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k === 'case.escalated')).toHaveLength(4);
  });

  it('moves unfired rungs when the clock pauses and resumes, and never re-arms a fired one', async () => {
    const id = await holdCase(s); // high: 40 min
    const entered = clock.now();
    clock.advanceMinutes(20);
    expect(await fireDueSteps(s.ctx)).toBe(1); // warn
    const at = (m: number) => new Date(entered.getTime() + m * 60_000);
    const events = [
      { kind: 'start' as const, at: entered },
      { kind: 'pause' as const, at: at(21), reason: 'waiting for the customer' },
      { kind: 'resume' as const, at: at(31) },
    ];
    const opened = { tenant_id: 'default', id, risk_class: 'high', sla_minutes: 40, entered_at: entered };
    await rescheduleCase(s.ctx.db, escalationPolicy(s.ctx), opened, events, at(31));
    const { rows } = await s.ctx.db.query<{ step: string; due_at: Date }>(
      `select step, due_at from escalation_schedule where case_id = $1 order by due_at`,
      [id],
    );
    // Ten paused minutes push pre-breach from 30 to 40 min and breach from 40 to 50; warn stays fired.
    expect(rows.map((r) => [r.step, new Date(r.due_at).getTime()])).toEqual([
      ['pre_breach', at(40).getTime()],
      ['breach', at(50).getTime()],
      ['overdue', at(90).getTime()],
      ['review_time_limit', at(120).getTime()],
    ]);
    const fired = async () =>
      (
        await s.ctx.db.query<{ step: string; due_at: Date }>(
          `select step, due_at from escalation_firings where case_id = $1 order by fired_at`,
          [id],
        )
      ).rows.map((r) => [r.step, new Date(r.due_at).getTime()]);
    clock.advanceMinutes(10); // 30 min: the old pre-breach time
    await fireDueSteps(s.ctx);
    expect(await fired()).toEqual([['warn', at(20).getTime()]]);
    clock.advanceMinutes(10);
    await fireDueSteps(s.ctx);
    expect(await fired()).toEqual([
      ['warn', at(20).getTime()],
      ['pre_breach', at(40).getTime()],
    ]);
  });

  it('gives a ladder to a case whose intake died before scheduling it, and fires nothing for a decided case', async () => {
    const id = await holdCase(s);
    await s.ctx.db.query(`delete from escalation_schedule where case_id = $1`, [id]);
    await s.ctx.db.query(`delete from case_escalations where case_id = $1`, [id]);
    expect(await scheduleMissedCases(s.ctx)).toBe(1);
    expect(await scheduleMissedCases(s.ctx)).toBe(0);
    const steps = await s.ctx.db.query(`select step from escalation_schedule where case_id = $1`, [id]);
    expect(steps.rows).toHaveLength(5);

    const reviewer = await s.key('reviewer');
    let card = await s.api('POST', '/v1/review/next', { key: reviewer });
    while (card.status === 200 && card.body.case.id !== id) {
      card = await s.api('POST', '/v1/review/next', { key: reviewer });
    }
    expect(card.body.case.id).toBe(id);
    await s.api('POST', `/v1/cases/${id}/decisions`, { key: reviewer, body: { action: 'reject' } });
    clock.advanceMinutes(200);
    await fireDueSteps(s.ctx);
    const fired = await s.ctx.db.query(`select 1 from escalation_firings where case_id = $1`, [id]);
    expect(fired.rows).toHaveLength(0);
    const left = await s.ctx.db.query(`select 1 from escalation_schedule where case_id = $1`, [id]);
    expect(left.rows).toHaveLength(0);
  });

  it('raises a review past 2 h to Level 2 (seed 1), long before its 8 h SLA', async () => {
    const id = await holdCase(s, { output: 'Fine.', confidence: 0.3 }); // medium: 480 min
    clock.advanceMinutes(119);
    await fireDueSteps(s.ctx);
    expect((await caseRow(s, id)).level).toBe(1);
    clock.advanceMinutes(1);
    await fireDueSteps(s.ctx);
    expect((await caseRow(s, id)).level).toBe(2);
  });

  it('opens one incident for the cases overdue in a class, attaches repeats, and a new one after resolve', async () => {
    const lead = await s.key('lead');
    const reviewer = await s.key('reviewer');
    const a = await holdCase(s);
    const b = await holdCase(s);
    clock.advanceMinutes(80); // 200 % for both
    while ((await fireDueSteps(s.ctx)) > 0);
    await deliver(s);
    const list = await s.api('GET', '/v1/incidents?status=open', { key: lead });
    expect(list.status).toBe(200);
    const open = list.body.incidents.filter(
      (i: { dedup_key: string }) => i.dedup_key === 'gatehouse:sla_overdue:high',
    );
    expect(open).toHaveLength(1);
    const incident = await s.api('GET', `/v1/incidents/${open[0].id}`, { key: lead });
    expect(incident.body.occurrences).toBeGreaterThanOrEqual(2);
    const cases = incident.body.links
      .filter((l: { subject: string }) => l.subject === 'case')
      .map((l: { subject_id: string }) => l.subject_id);
    expect(cases).toEqual(expect.arrayContaining([a, b]));
    expect((await s.api('GET', '/v1/incidents', { key: reviewer })).status).toBe(403);

    expect((await s.api('POST', `/v1/incidents/${open[0].id}/acknowledge`, { key: lead })).body.status).toBe(
      'acknowledged',
    );
    const again = await s.api('POST', `/v1/incidents/${open[0].id}/acknowledge`, { key: lead });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('incident_state');
    await deliver(s);
    expect((await s.api('POST', `/v1/incidents/${open[0].id}/resolve`, { key: lead })).body.status).toBe(
      'resolved',
    );
    await deliver(s);

    await holdCase(s);
    clock.advanceMinutes(80);
    while ((await fireDueSteps(s.ctx)) > 0);
    const after = await s.api('GET', '/v1/incidents', { key: lead });
    const same = after.body.incidents.filter(
      (i: { dedup_key: string }) => i.dedup_key === 'gatehouse:sla_overdue:high',
    );
    expect(same.map((i: { status: string }) => i.status)).toEqual(['open', 'resolved']);

    await deliver(s);
    const pd = r.got.filter((g) => g.path === '/pd' && g.json.dedup_key === 'gatehouse:sla_overdue:high');
    expect(pd.map((g) => g.json.event_action)).toEqual(['trigger', 'acknowledge', 'resolve', 'trigger']);
  });
});

describe(`notification delivery (${STORE})`, () => {
  it('holds back a case’s later notifications while an earlier one waits, then delivers all in order', async () => {
    const { s, r, clock } = await setup();
    try {
      const id = await holdCase(s);
      r.down = true;
      clock.advanceMinutes(20);
      await fireDueSteps(s.ctx);
      expect(await deliver(s)).toBe(0);
      clock.advanceMinutes(10); // pre-breach fires behind the warning that is waiting for its retry
      await fireDueSteps(s.ctx);
      expect(await deliver(s)).toBe(0);
      const pending = await s.api('GET', '/v1/notifications?state=pending');
      const byType = Object.fromEntries(
        pending.body.notifications.map((n: { type: string; attempts: number }) => [n.type, n.attempts]),
      );
      expect(byType).toEqual({ 'escalation.warn': 2, 'escalation.pre_breach': 0 });
      expect(r.got).toHaveLength(0);
      r.down = false;
      clock.advanceMinutes(1);
      expect(await deliver(s)).toBe(2);
      expect(r.got.map((g) => `${g.json.type}:${g.json.data.case_id}`)).toEqual([
        `escalation.warn:${id}`,
        `escalation.pre_breach:${id}`,
      ]);
      // Delivered rows are never sent twice.
      clock.advanceMinutes(1);
      expect(await deliver(s)).toBe(0);
    } finally {
      await s.stop();
      await r.close();
    }
  });

  it('dead-letters after the retry cap, lists dead letters for leads, and retries on request', async () => {
    const { s, r, clock } = await setup('{ max_attempts: 2, base_seconds: 10, max_seconds: 60 }');
    try {
      await holdCase(s);
      r.down = true;
      clock.advanceMinutes(20);
      await fireDueSteps(s.ctx);
      await deliver(s);
      clock.advanceMinutes(0.1); // 6 s: not yet due again
      await deliver(s);
      expect((await s.api('GET', '/v1/notifications?state=dead')).body.notifications).toHaveLength(0);
      clock.advanceMinutes(0.1);
      await deliver(s);
      const lead = await s.key('lead');
      const dead = await s.api('GET', '/v1/notifications?state=dead', { key: lead });
      expect(dead.body.notifications).toHaveLength(1);
      expect(dead.body.notifications[0]).toMatchObject({
        type: 'escalation.warn',
        attempts: 2,
        last_error: expect.stringContaining('503'),
      });
      expect(
        (await s.api('GET', '/v1/notifications?state=dead', { key: await s.key('reviewer') })).status,
      ).toBe(403);
      expect((await s.api('GET', '/v1/notifications?state=lost', { key: lead })).status).toBe(422);
      r.down = false;
      clock.advanceMinutes(60);
      expect(await deliver(s)).toBe(0);
      expect(
        (await s.api('POST', `/v1/notifications/${dead.body.notifications[0].id}/retry`, { key: lead }))
          .status,
      ).toBe(202);
      expect(await deliver(s)).toBe(1);
      expect(r.got[0]!.json.id).toBe(dead.body.notifications[0].id);
    } finally {
      await s.stop();
      await r.close();
    }
  });
});
