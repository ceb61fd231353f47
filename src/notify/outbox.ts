import { v7 as uuidv7 } from 'uuid';
import type { Queryable } from '../db/index.js';

/** One event to tell the outside world about, on some channels. */
export interface NotificationInput {
  tenantId: string;
  /** Channel names from the policy's `notifications.channels`. */
  channels: readonly string[];
  /** Event type, e.g. `escalation.pre_breach`, `incident.opened`, `transaction.decided`, `slo.alert`. */
  type: string;
  /** Deliveries with the same key arrive in the order they were enqueued (default: per tenant). */
  orderKey?: string;
  data: Record<string, unknown>;
  at: Date;
}

/** A notification as the outbox stores it; `payload` is what every channel renders from. */
export interface NotificationPayload {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * Writes one outbox row per channel inside the caller's transaction, so a notification exists if and
 * only if the event it reports committed. Each row has a stable id (the webhook-id receivers dedupe
 * on); returns the ids. No channels: nothing is written.
 */
export async function enqueueNotification(tx: Queryable, n: NotificationInput): Promise<string[]> {
  return enqueueNotifications(tx, [n]);
}

/** `enqueueNotification` for many events in one statement; rows keep the order given (their seq). */
export async function enqueueNotifications(
  tx: Queryable,
  list: readonly NotificationInput[],
): Promise<string[]> {
  const rows = list.flatMap((n) =>
    n.channels.map((channel) => {
      const id = uuidv7();
      const payload: NotificationPayload = { id, type: n.type, timestamp: n.at.toISOString(), data: n.data };
      return {
        tenant_id: n.tenantId,
        id,
        channel,
        type: n.type,
        order_key: n.orderKey ?? `tenant:${n.tenantId}`,
        payload,
        next_attempt_at: n.at.toISOString(),
        created_at: n.at.toISOString(),
      };
    }),
  );
  if (rows.length === 0) return [];
  await tx.query(
    `insert into notifications (tenant_id, id, channel, type, order_key, payload, next_attempt_at, created_at)
     select tenant_id, id, channel, type, order_key, payload, next_attempt_at, created_at
     from rows from (jsonb_to_recordset($1::jsonb) as (tenant_id text, id text, channel text, type text,
       order_key text, payload jsonb, next_attempt_at timestamptz, created_at timestamptz))
       with ordinality as x(tenant_id, id, channel, type, order_key, payload, next_attempt_at, created_at, n)
     order by n`,
    [JSON.stringify(rows)],
  );
  return rows.map((r) => r.id);
}
