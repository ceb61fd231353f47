import { appendAudit } from '../../audit/index.js';
import type { Ctx } from '../../ctx.js';
import type { Queryable } from '../../db/index.js';
import { VERDICT_CHANNEL } from '../../intake/index.js';
import type { ScheduledTask } from '../../scheduler/index.js';
import { bothClocks } from './clock.js';
import { insertClockEvents } from '../queries.js';

const BATCH = 200;

interface DueCase {
  tenant_id: string;
  id: string;
  transaction_id: string;
  level: number;
  due_at: Date;
  on_breach: 'none' | 'fail_open' | 'fail_closed';
}

/**
 * Flags every running case past its due time as breached (a flag, not a state: it stays in the
 * queue) with a `breach` clock event, and applies its risk class's `on_breach` fallback:
 * `fail_closed` blocks the transaction, `fail_open` releases its redacted output flagged as such;
 * `none` leaves it waiting for a human. Each case in its own transaction with its audit entries;
 * a case already flagged is never touched again, so runs are idempotent. Returns how many.
 */
export async function markBreaches(ctx: Ctx): Promise<number> {
  const now = ctx.clock();
  let done = 0;
  for (;;) {
    const n = await ctx.db.transaction(async (tx) => {
      const due = await lockDueCases(tx, now);
      for (const c of due) await breachOne(tx, c, now);
      return due.length;
    });
    done += n;
    if (n < BATCH) return done;
  }
}

async function lockDueCases(tx: Queryable, now: Date): Promise<DueCase[]> {
  const { rows } = await tx.query<DueCase>(
    `select tenant_id, id, transaction_id, level, due_at, on_breach from cases
     where status in ('open', 'claimed') and not breached and due_at < $1
     order by due_at limit ${BATCH} for update skip locked`,
    [now],
  );
  return rows;
}

async function breachOne(tx: Queryable, c: DueCase, now: Date): Promise<void> {
  const ref = { tenantId: c.tenant_id, caseId: c.id, level: c.level };
  const events = bothClocks(ref, 'breach', now, 'system');
  const entry = (kind: string, body: Record<string, unknown>) => ({
    tenantId: c.tenant_id,
    kind,
    transactionId: c.transaction_id,
    caseId: c.id,
    actor: 'system',
    at: now,
    body,
  });
  const audit = [
    entry('case.breached', { due_at: new Date(c.due_at).toISOString(), on_breach: c.on_breach }),
  ];
  if (c.on_breach === 'none') {
    await tx.query(`update cases set breached = true where tenant_id = $1 and id = $2`, [c.tenant_id, c.id]);
  } else {
    const verdict = c.on_breach === 'fail_open' ? 'released' : 'blocked';
    events.push(...bothClocks(ref, 'stop', now, 'system'));
    await tx.query(
      `update cases set breached = true, status = 'closed', closed_at = $3, decision = $4, fallback = $4,
         claimed_by = null, lease_expires_at = null
       where tenant_id = $1 and id = $2`,
      [c.tenant_id, c.id, now, c.on_breach],
    );
    await tx.query(
      `update transactions set verdict = $3, decided_at = $4,
         released_output = case when $3 = 'released' then redacted_output end
       where tenant_id = $1 and id = $2`,
      [c.tenant_id, c.transaction_id, verdict, now],
    );
    await tx.query(
      `insert into decisions (tenant_id, id, case_id, action, reviewer_key_id, rationale, time_spent_ms, decided_at)
       values ($1, $2, $3, $4, 'system', $5, 0, $6)`,
      [c.tenant_id, `fallback-${c.id}`, c.id, c.on_breach, 'SLA breached with no decision', now],
    );
    audit.push(entry('case.fallback_applied', { fallback: c.on_breach, verdict }));
    await tx.query('select pg_notify($1, $2)', [VERDICT_CHANNEL, `${c.tenant_id}:${c.transaction_id}`]);
  }
  await insertClockEvents(tx, events);
  await appendAudit(tx, audit);
}

/** Every minute: flag breached cases and apply their `on_breach` fallback. */
export const breachTask: ScheduledTask = {
  name: 'queue.breach',
  everyMs: 60_000,
  run: async (ctx) => void (await markBreaches(ctx)),
};
