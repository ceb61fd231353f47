import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { listNotifications, requeueDead, type NotificationRow } from './queries.js';

/** A notification as `GET /v1/notifications` shows it. */
export interface NotificationView {
  id: string;
  channel: string;
  type: string;
  order_key: string;
  state: NotificationRow['state'];
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
  payload: Record<string, unknown>;
}

function present(r: NotificationRow): NotificationView {
  return {
    id: r.id,
    channel: r.channel,
    type: r.type,
    order_key: r.order_key,
    state: r.state,
    attempts: r.attempts,
    next_attempt_at: new Date(r.next_attempt_at).toISOString(),
    last_error: r.last_error,
    created_at: new Date(r.created_at).toISOString(),
    delivered_at: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
    payload: r.payload as unknown as Record<string, unknown>,
  };
}

/** The caller's tenant's notifications, newest first; `state: 'dead'` is the dead-letter list. */
export async function listNotificationsFor(
  ctx: Ctx,
  by: Principal,
  opts: { state?: NotificationRow['state']; limit: number },
): Promise<NotificationView[]> {
  return (await listNotifications(ctx.db, by.tenantId, opts)).map(present);
}

/** Sends a dead-lettered notification again from the first attempt, audited; `not_found` unless dead. */
export async function retryNotification(ctx: Ctx, by: Principal, id: string): Promise<void> {
  const at = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    if (!(await requeueDead(tx, by.tenantId, id, at))) {
      throw new GatehouseError('not_found', `no dead notification ${id}`);
    }
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'notification.retried',
        actor: by.keyId,
        at,
        body: { notification_id: id },
      },
    ]);
  });
}
