import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimCases } from '../src/queue/index.js';
import { comparePriority, priority } from '../src/queue/priority.js';
import { needsAnalyze, needsVacuum, queueNeedsVacuum, queueUpkeepTask } from '../src/queue/upkeep.js';
import { runTasksOnce } from '../src/scheduler/index.js';
import { TASKS } from '../src/scheduler/tasks.js';
import { makeTransaction } from './helpers/factories.js';
import { fakeClock, usePolicy } from './helpers/queue.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE } from './helpers/store.js';

const POLICY = readFileSync(new URL('./helpers/queue-policy.yaml', import.meta.url), 'utf8');
const SIGNED = { confirm_facts: true, write_rationale: true };
const clock = fakeClock('2026-03-02T09:00:00Z');
let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ leaseSeconds: 60 }, { clock: clock.now, scheduler: false });
  usePolicy(s, POLICY);
});
afterAll(async () => {
  await s?.stop();
});
// Each test starts on an empty queue.
beforeEach(async () => {
  await s.ctx.db.query(`update cases set status = 'closed' where status <> 'closed'`);
});

async function send(category: string) {
  const res = await s.api('POST', '/v1/transactions', {
    body: makeTransaction({ output: `About ${category}: ${Math.random()}`, metadata: { category } }),
  });
  expect(res.status).toBe(201);
  return res.body as { id: string; case_id: string };
}

async function keyId(key: string): Promise<string> {
  const { rows } = await s.ctx.db.query<{ id: string }>(
    `select id from api_keys where key_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
    [key],
  );
  return rows[0]!.id;
}

const next = (key: string) => s.api('POST', '/v1/review/next', { key });
const decide = (
  key: string,
  id: string,
  body: Record<string, unknown> = { action: 'approve', checklist: SIGNED },
) => s.api('POST', `/v1/cases/${id}/decisions`, { key, body });

describe('the claim order', () => {
  it('serves cases exactly in priority() order: risk after bumps, then deadline — not arrival', async () => {
    for (let i = 0; i < 24; i++) {
      clock.advance(Math.floor(Math.random() * 20 * 60_000));
      await send(i % 3 === 0 ? 'chat' : 'billing');
    }
    // Escalation (#7) bumps cases; here a few are bumped by hand.
    await s.ctx.db.query(
      `update cases set bump = (abs(hashtext(id)) % 3) where status = 'open' and abs(hashtext(id)) % 4 = 0`,
    );
    const { rows } = await s.ctx.db.query<{
      id: string;
      risk_rank: number;
      bump: number;
      due_at: Date;
      entered_at: Date;
    }>(`select id, risk_rank, bump, due_at, entered_at from cases where status = 'open'`);
    const now = clock.now();
    const expected = rows
      .map((r) => ({
        id: r.id,
        key: priority({ ...r, due_at: new Date(r.due_at), entered_at: new Date(r.entered_at) }, now),
      }))
      .sort((a, b) => comparePriority(a.key, b.key))
      .map((r) => r.id);
    const reviewer = await s.key('reviewer');
    const claimed: string[] = [];
    for (;;) {
      const card = await next(reviewer);
      if (card.status === 204) break;
      claimed.push(card.body.case.id);
      expect((await decide(reviewer, card.body.case.id)).status).toBe(201);
    }
    expect(claimed).toEqual(expected);
  });
  it('gives claims that arrive together what they would get one after another', async () => {
    const [a, b, c, d] = [
      await s.key('reviewer'),
      await s.key('reviewer'),
      await s.key('reviewer'),
      await s.key('reviewer'),
    ];
    const billing = [];
    for (let i = 0; i < 5; i++) {
      billing.push((await send('billing')).case_id);
      clock.advance(1000);
    }
    // The most urgent case needs two blind reviews, and A has given one.
    const fraud = (await send('fraud')).case_id;
    expect((await next(a)).body.case.id).toBe(fraud);
    expect((await decide(a, fraud, { action: 'approve' })).status).toBe(201);
    const lead = await s.key('lead');
    const assigned = await s.api('POST', `/v1/cases/${billing[4]}/assign`, {
      key: lead,
      body: { key_id: await keyId(b) },
    });
    expect(assigned.status).toBe(204);

    const [ka, kb, kc, kd] = [await keyId(a), await keyId(b), await keyId(c), await keyId(d)];
    const { rows: groups } = await s.ctx.db.query<{ group_name: string; tenant_id: string }>(
      `select distinct group_name, tenant_id from cases where id = any($1)`,
      [[...billing, fraud]],
    );
    expect(groups).toHaveLength(1);
    const now = clock.now();
    const claim = (keyId: string) => ({
      tenantId: groups[0]!.tenant_id,
      keyId,
      now,
      leaseUntil: new Date(now.getTime() + 60_000),
      groups: [{ name: groups[0]!.group_name, skills: [] }],
    });
    // A asks twice: its second claim goes in a statement of its own.
    const got = (await claimCases(s.ctx.db, [claim(ka), claim(kb), claim(kc), claim(ka), claim(kd)])).map(
      (x) => x?.id,
    );
    expect(new Set(got).size).toBe(5);
    // One after another: A passes over the case it reviewed, B takes the case assigned to it,
    // C the blind review; A (again) and D the next billing cases in deadline order.
    expect(got[1]).toBe(billing[4]);
    expect(got[2]).toBe(fraud);
    expect(new Set([got[0], got[3], got[4]])).toEqual(new Set(billing.slice(0, 3)));
    const { rows } = await s.ctx.db.query<{ case_id: string; actor: string; lease: string }>(
      `select case_id, actor, body->>'lease_expires_at' as lease from audit_entries
       where kind = 'case.claimed' and case_id = any($1) and actor = any($2)`,
      [got, [kb, kc, kd, ka]],
    );
    const held = await s.ctx.db.query<{ id: string; claimed_by: string; status: string }>(
      `select id, claimed_by, status from cases where id = any($1)`,
      [got],
    );
    for (const h of held.rows) {
      expect(h.status).toBe('claimed');
      expect(rows.filter((r) => r.case_id === h.id && r.actor === h.claimed_by)).toEqual([
        { case_id: h.id, actor: h.claimed_by, lease: new Date(now.getTime() + 60_000).toISOString() },
      ]);
    }
    expect(held.rows.find((h) => h.id === fraud)!.claimed_by).toBe(kc);
  });
});

describe('leases', () => {
  it('extends on heartbeat, returns to the queue on expiry, and refuses the late holder', async () => {
    const a = await s.key('reviewer');
    const b = await s.key('reviewer');
    const t = await send('billing');
    const card = await next(a);
    expect(card.body.case.id).toBe(t.case_id);
    clock.advance(50_000);
    const beat = await s.api('POST', `/v1/cases/${t.case_id}/lease`, { key: a });
    expect(beat.status).toBe(200);
    expect(beat.body.lease_expires_at).toBe(new Date(clock.now().getTime() + 60_000).toISOString());
    expect((await s.api('POST', `/v1/cases/${t.case_id}/lease`, { key: b })).body.code).toBe('case_not_held');

    clock.advance(61_000);
    const late = await decide(a, t.case_id);
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('lease_expired');
    // The scheduled sweep returns it; then B gets it and A's decision is refused.
    await runTasksOnce(s.ctx, TASKS);
    expect((await s.ctx.db.query(`select status from cases where id = $1`, [t.case_id])).rows[0]).toEqual({
      status: 'open',
    });
    expect((await next(b)).body.case.id).toBe(t.case_id);
    expect((await decide(a, t.case_id)).body.code).toBe('case_not_held');
    expect((await decide(b, t.case_id)).status).toBe(201);
    const { rows } = await s.ctx.db.query(`select count(*)::int as n from decisions where case_id = $1`, [
      t.case_id,
    ]);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('releases a held case back to the queue undecided', async () => {
    const a = await s.key('reviewer');
    const t = await send('billing');
    await next(a);
    expect(
      (
        await s.api('POST', `/v1/cases/${t.case_id}/release`, {
          key: a,
          body: { note: 'conflict of interest' },
        })
      ).status,
    ).toBe(204);
    expect((await s.api('POST', `/v1/cases/${t.case_id}/release`, { key: a })).body.code).toBe(
      'case_not_held',
    );
    const b = await s.key('reviewer');
    expect((await next(b)).body.case.id).toBe(t.case_id);
  });
});

describe('groups, caps and assignment', () => {
  it('lets only members work a staffed group: others get 403 on its card and decisions', async () => {
    const desk = (await s.api('POST', '/v1/keys', { body: { roles: ['reviewer'], name: 'returns-desk' } }))
      .body.key;
    const outsider = await s.key('reviewer');
    const t = await send('returns');
    expect((await next(outsider)).status).toBe(204);
    const card = await s.api('GET', `/v1/cases/${t.case_id}/card`, { key: outsider });
    expect(card.status).toBe(403);
    expect(card.headers.get('content-type')).toContain('application/problem+json');
    expect((await decide(outsider, t.case_id)).status).toBe(403);
    const got = await next(desk);
    expect(got.body.case).toMatchObject({ id: t.case_id, group: 'returns' });
    expect((await decide(outsider, t.case_id)).status).toBe(403);
    expect((await decide(desk, t.case_id, { action: 'approve' })).status).toBe(201);

    // A member added through the API works the group too.
    const added = await s.key('sme');
    expect((await s.api('PUT', `/v1/groups/returns/members/${await keyId(added)}`)).status).toBe(204);
    const t2 = await send('returns');
    expect((await next(added)).body.case.id).toBe(t2.case_id);
    const groups = await s.api('GET', '/v1/groups');
    expect(groups.body.groups.find((g: { name: string }) => g.name === 'returns').members).toHaveLength(1);
    expect((await s.api('PUT', '/v1/groups/nope/members/x')).status).toBe(404);
    expect((await s.api('PUT', '/v1/groups/returns/members/x', { key: added })).status).toBe(403);
  });

  it("stops at the group's per-reviewer cap with claim_limit, nothing claimed", async () => {
    const a = await s.key('reviewer');
    for (let i = 0; i < 3; i++) await send('billing');
    expect((await next(a)).status).toBe(200);
    expect((await next(a)).status).toBe(200);
    const third = await next(a);
    expect(third.status).toBe(409);
    expect(third.body.code).toBe('claim_limit');
    const { rows } = await s.ctx.db.query(`select count(*)::int as n from cases where status = 'open'`);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('passes over cases whose skills the reviewer lacks in the group, until the API gives them', async () => {
    const key = async (name: string) =>
      (await s.api('POST', '/v1/keys', { body: { roles: ['reviewer'], name } })).body.key as string;
    const [d1, d2] = [await key('tax-desk-1'), await key('tax-desk-2')];
    const kz = await send('kz_tax');
    clock.advance(1000);
    const vat = await send('vat');
    // Both desks have the group's `vat`; neither has `kz_tax`, so the earlier case waits.
    const first = await next(d1);
    expect(first.body.case).toMatchObject({ id: vat.case_id, required_skills: ['vat'] });
    expect((await next(d2)).status).toBe(204);
    const put = await s.api('PUT', `/v1/groups/tax/members/${await keyId(d2)}`, {
      body: { skills: ['kz_tax'] },
    });
    expect(put.status).toBe(204);
    expect((await next(d2)).body.case).toMatchObject({ id: kz.case_id, required_skills: ['kz_tax'] });
  });

  it('gives an assigned case only to its assignee, first', async () => {
    const a = await s.key('reviewer');
    const b = await s.key('reviewer');
    const lead = await s.key('lead');
    const urgent = await send('billing');
    clock.advance(1000);
    const later = await send('billing');
    const assign = (body: unknown, key = lead) =>
      s.api('POST', `/v1/cases/${urgent.case_id}/assign`, { key, body });
    expect((await assign({ key_id: await keyId(b) }, a)).status).toBe(403);
    const notMember = await assign({ key_id: await keyId(lead) });
    expect(notMember.status).toBe(422);
    expect(notMember.body.pointer).toBe('/key_id');
    expect((await assign({ key_id: await keyId(b) })).status).toBe(204);
    expect((await next(a)).body.case.id).toBe(later.case_id);
    expect((await next(b)).body.case).toMatchObject({ id: urgent.case_id, assigned_to: await keyId(b) });
  });
});

describe.runIf(STORE === 'postgres')('queue upkeep on the server store', () => {
  it('vacuums cases once claims and decisions have left enough dead rows, other tables at autovacuum thresholds, analyzes tables gone stale, and not before', async () => {
    expect([queueNeedsVacuum(4_999, 10_000), queueNeedsVacuum(5_000, 10_000)]).toEqual([false, true]);
    expect([needsVacuum(2_049, 10_000), needsVacuum(2_050, 10_000)]).toEqual([false, true]);
    expect([queueNeedsVacuum(9_999, 1e6), queueNeedsVacuum(10_000, 1e6)]).toEqual([false, true]);
    expect([needsAnalyze(999, 0), needsAnalyze(1_000, 0), needsAnalyze(99_999, 1e6)]).toEqual([
      false,
      true,
      false,
    ]);
    const counts = async () =>
      (
        await s.ctx.db.query<{ vacuums: number; txVacuums: number; analyzes: number }>(
          `select (select vacuum_count::int from pg_stat_user_tables where relid = 'cases'::regclass) as vacuums,
             (select vacuum_count::int from pg_stat_user_tables where relid = 'transactions'::regclass) as "txVacuums",
             (select analyze_count::int from pg_stat_user_tables where relid = 'transactions'::regclass) as analyzes`,
        )
      ).rows[0]!;
    await s.ctx.db.query('vacuum cases, transactions');
    await queueUpkeepTask.run(s.ctx);
    const before = await counts();
    await queueUpkeepTask.run(s.ctx);
    expect(await counts()).toEqual(before);

    // 3,000 cases claimed and closed: 6,000 dead rows, in the statistics at once.
    await s.ctx.db.transaction(async (tx) => {
      await tx.query('select pg_stat_force_next_flush()');
      await tx.query(
        `with t as (
           insert into transactions (tenant_id, id, verdict, risk_class, action, prompt, redacted_prompt, output,
             redacted_output, gates, policy_version, created_at, case_id)
           select 'default', 'vt-' || g, 'held', 'high', 'review', '[]', '[]', 'x', 'x', '[]', 'test', now(), 'vc-' || g
           from generate_series(1, 3000) g
           returning tenant_id, id, case_id)
         insert into cases (tenant_id, id, transaction_id, status, level, risk_class, risk_rank, sla_minutes,
           created_at, entered_at, stage_entered_at, due_at, original_due_at, group_name)
         select tenant_id, case_id, id, 'open', 1, 'high', 1, 30, now(), now(), now(), now(), now(), 'l1' from t`,
      );
    });
    for (const status of ['claimed', 'closed']) {
      await s.ctx.db.transaction(async (tx) => {
        await tx.query('select pg_stat_force_next_flush()');
        await tx.query(`update cases set status = $1 where id like 'vc-%'`, [status]);
      });
    }
    // 3,000 new transactions and 9,000 changes to cases: both tables analyzed, cases vacuumed;
    // transactions, with no dead rows yet, not vacuumed.
    const after = { vacuums: before.vacuums + 1, txVacuums: before.txVacuums, analyzes: before.analyzes + 1 };
    await queueUpkeepTask.run(s.ctx);
    expect(await counts()).toEqual(after);
    await queueUpkeepTask.run(s.ctx);
    expect(await counts()).toEqual(after);

    // Their verdicts set: 3,000 dead transactions rows, well over a fifth of the live ones.
    await s.ctx.db.transaction(async (tx) => {
      await tx.query('select pg_stat_force_next_flush()');
      await tx.query(`update transactions set verdict = 'released' where id like 'vt-%'`);
    });
    await queueUpkeepTask.run(s.ctx);
    expect(await counts()).toEqual({
      ...after,
      txVacuums: after.txVacuums + 1,
      analyzes: after.analyzes + 1,
    });
  });
});
