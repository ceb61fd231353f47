import type { Ctx } from '../ctx.js';
import { escalationPolicy } from '../escalation/policy.js';
import type { ScheduledTask } from '../scheduler/index.js';
import { DeliveryError, sendNotification, type SecretSource } from './channels/send.js';
import { findDeliverable, markDelivered, markFailed, type NotificationRow } from './queries.js';

// How many rows one run reads, and how many channel/key lines deliver at once.
const BATCH = 200;
const PARALLEL_LINES = 8;

/** The delay before attempt `attempts + 1`: base doubling per failure, capped. */
export function backoffSeconds(
  attempts: number,
  retry: { base_seconds: number; max_seconds: number },
): number {
  return Math.min(retry.base_seconds * 2 ** Math.max(0, attempts - 1), retry.max_seconds);
}

/**
 * Delivers what is due, in order per channel and key: within a line each waits for the one before,
 * and the first failure stops its line until its retry. At least once: a crash after the receiver got
 * a message but before it is marked delivered sends it again with the same id. Returns how many were
 * delivered.
 */
export async function deliverDueNotifications(
  ctx: Ctx,
  secrets: SecretSource = (name) => process.env[name],
): Promise<number> {
  const now = ctx.clock();
  const rows = await findDeliverable(ctx.db, now, BATCH);
  const lines = new Map<string, NotificationRow[]>();
  for (const r of rows) {
    const k = `${r.tenant_id}\u0000${r.channel}\u0000${r.order_key}`;
    lines.set(k, [...(lines.get(k) ?? []), r]);
  }
  let delivered = 0;
  const queue = [...lines.values()];
  const worker = async (): Promise<void> => {
    for (let line = queue.shift(); line; line = queue.shift()) {
      for (const row of line) {
        if (!(await deliverOne(ctx, row, secrets))) break;
        delivered++;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_LINES }, worker));
  return delivered;
}

async function deliverOne(ctx: Ctx, row: NotificationRow, secrets: SecretSource): Promise<boolean> {
  const policy = escalationPolicy(ctx);
  const channel = policy.channels[row.channel];
  try {
    if (!channel) throw new DeliveryError(`no channel "${row.channel}" in the policy`);
    await sendNotification(channel, row.payload, secrets, ctx.clock());
  } catch (err) {
    const error = err instanceof DeliveryError ? err.message : String(err);
    const attempts = row.attempts + 1;
    const retryAt = new Date(ctx.clock().getTime() + backoffSeconds(attempts, policy.retry) * 1000);
    const dead = attempts >= policy.retry.max_attempts;
    await markFailed(ctx.db, { tenantId: row.tenant_id, id: row.id, error, retryAt, dead });
    if (dead) ctx.log.error('notification dead-lettered', { id: row.id, channel: row.channel, error });
    return false;
  }
  await markDelivered(ctx.db, row.tenant_id, row.id, ctx.clock());
  return true;
}

/** Delivers the notification outbox every second; leader-only so one process sends. */
export const deliverNotificationsTask: ScheduledTask = {
  name: 'notify-deliver',
  everyMs: 1_000,
  leaderOnly: true,
  run: async (ctx) => {
    await deliverDueNotifications(ctx);
  },
};
