import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import type { ScheduledTask } from '../scheduler/index.js';
import { subjectOf } from './formats/envelope.js';
import { appendAudit } from './append.js';

// Erasure by crypto-shredding: a subject's payloads were sealed with its own key, so destroying the
// key erases them all at once while every leaf — and so every proof and receipt — stays as it was.
// Each erasure appends a tombstone entry saying what was erased, by whom and why.
//
// What this does not reach: the database keeps a destroyed key in dead row versions until VACUUM
// and in WAL/backups until they age out, and intake's own `transactions` row is intake's to erase.

/** Destroys the keys of `subjects` in `tenantId` (creating them destroyed if not yet seen); returns those erased now. */
async function destroyKeys(tx: Queryable, tenantId: string, subjects: string[], at: Date): Promise<string[]> {
  const { rows } = await tx.query<{ subject: string }>(
    `insert into audit_subjects (tenant_id, subject, key, first_at, erased_at)
     select $1, s, null, $3, $3 from unnest($2::text[]) as s
     on conflict (tenant_id, subject) do update set key = null, erased_at = $3
       where audit_subjects.key is not null
     returning subject`,
    [tenantId, subjects, at],
  );
  return rows.map((r) => r.subject);
}

/** What an erasure did: the transactions whose audit payloads are now unreadable. */
export interface Erasure {
  transaction_ids: string[];
}

/**
 * Erases the audit payloads of transactions (one transaction: keys destroyed and tombstone entry
 * `audit.erased` appended). Already-erased ids are skipped; entries still arriving for an erased
 * transaction are stored without payload. Leaves and proofs are untouched.
 */
export async function eraseTransactions(
  ctx: Pick<Ctx, 'db' | 'clock'>,
  by: { tenantId: string; keyId: string },
  input: { transactionIds: string[]; reason: string; kind?: string; extra?: Record<string, unknown> },
): Promise<Erasure> {
  const at = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    const subjects = [...new Set(input.transactionIds)].map(subjectOf);
    const erased = (await destroyKeys(tx, by.tenantId, subjects, at)).map((s) =>
      s.slice('transaction:'.length),
    );
    if (erased.length > 0) {
      await appendAudit(tx, [
        {
          tenantId: by.tenantId,
          kind: input.kind ?? 'audit.erased',
          actor: by.keyId,
          at,
          body: { transaction_ids: erased, reason: input.reason, ...input.extra },
        },
      ]);
    }
    return { transaction_ids: erased };
  });
}

/**
 * Days a workflow's audit payloads are kept: the `retention.days` of the policy in force for it,
 * else the `auditRetentionDays` setting (default 1095 = 3 years, seed 1).
 */
export function retentionDays(ctx: Pick<Ctx, 'config' | 'policy'>, workflow: string | null): number {
  return ctx.policy(workflow).doc.retention?.days ?? ctx.config.auditRetentionDays;
}

// Bounded so one run is one modest transaction per tenant and workflow; the next run continues.
const RETENTION_BATCH = 1_000;

/** Erases the transactions past retention: up to RETENTION_BATCH per tenant and workflow per call. */
export async function enforceRetention(
  ctx: Pick<Ctx, 'db' | 'clock' | 'config' | 'policy'>,
): Promise<number> {
  const now = ctx.clock();
  const { rows: groups } = await ctx.db.query<{ tenant_id: string; workflow: string | null }>(
    `select distinct tenant_id, workflow from audit_subjects
     where key is not null and subject like 'transaction:%'`,
  );
  let total = 0;
  for (const g of groups) {
    const days = retentionDays(ctx, g.workflow);
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    const { rows } = await ctx.db.query<{ subject: string }>(
      `select subject from audit_subjects
       where tenant_id = $1 and workflow is not distinct from $2 and key is not null
         and subject like 'transaction:%' and first_at < $3
       order by first_at limit $4`,
      [g.tenant_id, g.workflow, cutoff, RETENTION_BATCH],
    );
    if (rows.length === 0) continue;
    const erased = await eraseTransactions(
      ctx,
      { tenantId: g.tenant_id, keyId: 'system' },
      {
        transactionIds: rows.map((r) => r.subject.slice('transaction:'.length)),
        reason: `retention: older than ${days} days`,
        kind: 'audit.retention_erased',
        extra: { workflow: g.workflow, retention_days: days, cutoff: cutoff.toISOString() },
      },
    );
    total += erased.transaction_ids.length;
  }
  return total;
}

/** Retention as a scheduled task: hourly, erase what has outlived its workflow's retention. */
export const AUDIT_RETENTION_TASK: ScheduledTask = {
  name: 'audit-retention',
  everyMs: 3_600_000,
  run: async (ctx) => {
    await enforceRetention(ctx);
  },
};
