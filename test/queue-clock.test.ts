import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markBreaches } from '../src/queue/clock/breach.js';
import { runTasksOnce } from '../src/scheduler/index.js';
import { TASKS } from '../src/scheduler/tasks.js';
import { makeTransaction } from './helpers/factories.js';
import { fakeClock, usePolicy } from './helpers/queue.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const POLICY = readFileSync(new URL('./helpers/queue-policy.yaml', import.meta.url), 'utf8');
// Friday 6 March 2026, 16:00 in London (GMT): one business hour left in the week.
const clock = fakeClock('2026-03-06T16:00:00Z');
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({}, { clock: clock.now, scheduler: false });
  usePolicy(s, POLICY);
});
afterAll(async () => {
  await s?.stop();
});

async function send(category: string, output = `Reply about ${category} ${Math.random()}`) {
  const res = await s.api('POST', '/v1/transactions', {
    body: makeTransaction({ output, metadata: { category } }),
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; case_id: string; verdict: string };
}

async function caseRow(id: string) {
  const { rows } = await s.ctx.db.query<Record<string, any>>(`select * from cases where id = $1`, [id]);
  return rows[0]!;
}

async function clockEvents(id: string) {
  const { rows } = await s.ctx.db.query<{ stage: number; kind: string; reason: string | null }>(
    `select 0 as stage, kind, reason, seq from case_clock_events where case_id = $1
     union all select stage, kind, reason, seq from case_stage_clock_events where case_id = $1 order by stage, seq`,
    [id],
  );
  return rows.map((r) => [r.stage, r.kind, r.reason]);
}

describe('SLA clocks from clock events', () => {
  it('starts both clocks at queue entry and counts business hours: Fri 16:00 + 4 h is due Mon 12:00', async () => {
    clock.set('2026-03-06T16:00:00Z');
    const t = await send('returns');
    const c = await caseRow(t.case_id);
    expect(new Date(c.entered_at).toISOString()).toBe('2026-03-06T16:00:00.000Z');
    expect(new Date(c.created_at).toISOString()).toBe('2026-03-06T16:00:00.000Z');
    expect(new Date(c.due_at).toISOString()).toBe('2026-03-09T12:00:00.000Z');
    expect(new Date(c.original_due_at).toISOString()).toBe('2026-03-09T12:00:00.000Z');
    expect(c).toMatchObject({ sla_minutes: 240, sla_calendar: 'office', group_name: 'returns' });
    expect(await clockEvents(t.case_id)).toEqual([
      [0, 'start', null],
      [1, 'start', null],
    ]);
  });

  it('pauses with a reason only; the paused business time moves the due time, the original stays', async () => {
    clock.set('2026-03-09T09:00:00Z'); // Monday 09:00
    const desk = await s.key('reviewer');
    await s.api('PUT', `/v1/groups/returns/members/${await keyId(desk)}`);
    const t = await send('returns');
    const card = await s.api('POST', '/v1/review/next', { key: desk });
    expect(card.body.case.id).not.toBe(undefined);
    const id = card.body.case.id as string;
    const noReason = await s.api('POST', `/v1/cases/${id}/pause`, { key: desk, body: { reason: '' } });
    expect(noReason.status).toBe(422);
    expect(noReason.body.pointer).toBe('/reason');
    expect((await caseRow(id)).status).toBe('claimed');

    const paused = await s.api('POST', `/v1/cases/${id}/pause`, {
      key: desk,
      body: { reason: 'asked the customer for the receipt' },
    });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    // A paused case is out of the queue.
    const other = await s.api('POST', '/v1/review/next', { key: desk });
    expect(other.body?.case?.id).not.toBe(id);
    if (other.status === 200) await s.api('POST', `/v1/cases/${other.body.case.id}/release`, { key: desk });

    // Paused from Mon 09:00 to Tue 09:00: 8 business hours (Mon 09–17).
    clock.set('2026-03-10T09:00:00Z');
    expect(
      (await s.api('POST', `/v1/cases/${id}/pause`, { key: desk, body: { reason: 'again' } })).body.code,
    ).toBe('case_not_held');
    const resumed = await s.api('POST', `/v1/cases/${id}/resume`, { key: desk });
    expect(resumed.status).toBe(200);
    const originalDue = new Date((await caseRow(id)).original_due_at).toISOString();
    expect(resumed.body.original_due_at).toBe(originalDue);
    expect(new Date(resumed.body.due_at).getTime() - new Date(originalDue).getTime()).toBe(
      // 8 business hours after the original due time is the same time a day later.
      24 * 3_600_000,
    );
    expect((await s.api('POST', `/v1/cases/${id}/resume`, { key: desk })).body.code).toBe('case_state');
    expect(await clockEvents(id)).toEqual([
      [0, 'start', null],
      [0, 'pause', 'asked the customer for the receipt'],
      [0, 'resume', null],
      [1, 'start', null],
      [1, 'pause', 'asked the customer for the receipt'],
      [1, 'resume', null],
    ]);
    // Back to whoever paused it, first in their stream.
    const again = await s.api('POST', '/v1/review/next', { key: desk });
    expect(again.body.case).toMatchObject({ id, due_at: resumed.body.due_at, original_due_at: originalDue });
    const details = await s.api('GET', `/v1/cases/${id}/details`, { key: desk });
    expect(details.status).toBe(200);
    expect(details.body.clocks[0].clock).toMatchObject({ state: 'running', paused_minutes: 480 });
    void t;
  });
});

describe('breach: a flag, then the class fallback (fail-open / fail-closed)', () => {
  it('flags a breach, applies fail_closed and fail_open, leaves `none` in the queue, and runs idempotently', async () => {
    clock.set('2026-03-11T09:00:00Z');
    const closed = await send('billing'); // high: 30 min, fail_closed
    const open = await send('chat'); // low: 1440 min, fail_open
    const waits = await send('returns'); // medium: 4 business hours, none
    clock.set('2026-03-11T09:31:00Z');
    await runTasksOnce(s.ctx, TASKS);
    expect((await s.api('GET', `/v1/transactions/${closed.id}`)).body.verdict).toBe('blocked');
    expect((await s.api('GET', `/v1/transactions/${open.id}`)).body.verdict).toBe('held');

    clock.set('2026-03-12T09:01:00Z');
    expect(await markBreaches(s.ctx)).toBeGreaterThanOrEqual(2);
    const released = (await s.api('GET', `/v1/transactions/${open.id}`)).body;
    expect(released.verdict).toBe('released');
    expect(released.output).toContain('Reply about chat');
    const waiting = await caseRow(waits.case_id);
    expect(waiting).toMatchObject({ status: 'open', breached: true, fallback: null });
    expect(await caseRow(open.case_id)).toMatchObject({
      status: 'closed',
      breached: true,
      fallback: 'fail_open',
    });
    expect((await clockEvents(closed.case_id)).map((e) => e[1])).toEqual([
      'start',
      'breach',
      'stop',
      'start',
      'breach',
      'stop',
    ]);

    const auditor = await s.key('auditor');
    const audit = await s.api('GET', `/v1/transactions/${closed.id}/audit`, { key: auditor });
    const kinds = audit.body.entries.map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['case.breached', 'case.fallback_applied']));
    // A second run changes nothing.
    expect(await markBreaches(s.ctx)).toBe(0);
    const again = await s.api('GET', `/v1/transactions/${closed.id}/audit`, { key: auditor });
    expect(again.body.entries).toHaveLength(audit.body.entries.length);
  });
});

async function keyId(key: string): Promise<string> {
  const { rows } = await s.ctx.db.query<{ id: string }>(
    `select id from api_keys where key_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
    [key],
  );
  return rows[0]!.id;
}
