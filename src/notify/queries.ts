import type { Queryable } from '../db/index.js';
import type { NotificationPayload } from './outbox.js';

/** An outbox row as delivery and the API read it. */
export interface NotificationRow {
  seq: number;
  tenant_id: string;
  id: string;
  channel: string;
  type: string;
  order_key: string;
  payload: NotificationPayload;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const COLUMNS = `seq, tenant_id, id, channel, type, order_key, payload, state, attempts, next_attempt_at, last_error,
  created_at, delivered_at`;

/**
 * Pending notifications that may go out now, oldest first: due, and with no earlier pending one of the
 * same channel and key still waiting for its retry (so a key's deliveries never overtake each other).
 */
export async function findDeliverable(q: Queryable, now: Date, limit: number): Promise<NotificationRow[]> {
  const { rows } = await q.query<NotificationRow>(
    `select ${COLUMNS} from notifications n
     where n.state = 'pending' and n.next_attempt_at <= $1
       and not exists (
         select 1 from notifications p
         where p.tenant_id = n.tenant_id and p.order_key = n.order_key and p.channel = n.channel
           and p.state = 'pending' and p.seq < n.seq and p.next_attempt_at > $1)
     order by n.seq limit $2`,
    [now, limit],
  );
  return rows;
}

/** Marks a delivery done; a row already delivered or dead stays as it is. */
export async function markDelivered(q: Queryable, tenantId: string, id: string, at: Date): Promise<void> {
  await q.query(
    `update notifications set state = 'delivered', delivered_at = $3, attempts = attempts + 1, last_error = null
     where tenant_id = $1 and id = $2 and state = 'pending'`,
    [tenantId, id, at],
  );
}

/** Records a failed attempt: retry at `retryAt`, or dead when `dead`. */
export async function markFailed(
  q: Queryable,
  f: { tenantId: string; id: string; error: string; retryAt: Date; dead: boolean },
): Promise<void> {
  await q.query(
    `update notifications set attempts = attempts + 1, last_error = $3, next_attempt_at = $4,
       state = case when $5::boolean then 'dead' else 'pending' end
     where tenant_id = $1 and id = $2 and state = 'pending'`,
    [f.tenantId, f.id, f.error.slice(0, 1000), f.retryAt, f.dead],
  );
}

/** A tenant's notifications, newest first, optionally in one state. */
export async function listNotifications(
  q: Queryable,
  tenantId: string,
  opts: { state?: string; limit: number },
): Promise<NotificationRow[]> {
  const { rows } = await q.query<NotificationRow>(
    `select ${COLUMNS} from notifications
     where tenant_id = $1 and ($2::text is null or state = $2) order by seq desc limit $3`,
    [tenantId, opts.state ?? null, opts.limit],
  );
  return rows;
}

/** Puts a dead notification back in line for immediate delivery; false when it is not dead. */
export async function requeueDead(q: Queryable, tenantId: string, id: string, at: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    `update notifications set state = 'pending', attempts = 0, next_attempt_at = $3
     where tenant_id = $1 and id = $2 and state = 'dead'`,
    [tenantId, id, at],
  );
  return rowCount > 0;
}
