import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { listNotificationsFor, retryNotification } from './commands.js';

const Notification = z
  .object({
    id: z.string(),
    channel: z.string(),
    type: z.string(),
    order_key: z.string(),
    state: z.enum(['pending', 'delivered', 'dead']),
    attempts: z.number().int(),
    next_attempt_at: z.string(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
  })
  .openapi('Notification');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/notifications',
  summary: 'The notification outbox, newest first; state=dead lists the dead letters',
  security: BEARER,
  request: {
    query: z.object({
      state: z.enum(['pending', 'delivered', 'dead']).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: {
      description: 'Notifications',
      content: { 'application/json': { schema: z.object({ notifications: z.array(Notification) }) } },
    },
    403: PROBLEM,
    422: PROBLEM,
  },
});

const retryRoute = createRoute({
  method: 'post',
  path: '/v1/notifications/{id}/retry',
  summary: 'Send a dead-lettered notification again',
  security: BEARER,
  request: { params: z.object({ id: z.string() }) },
  responses: { 202: { description: 'Queued again' }, 403: PROBLEM, 404: PROBLEM },
});

/** Mounts the outbox: `GET /v1/notifications`, `POST /v1/notifications/{id}/retry` (lead, admin). */
export function mountNotificationRoutes(app: App, ctx: Ctx): void {
  app.openapi(listRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'admin');
    const notifications = await listNotificationsFor(ctx, by, c.req.valid('query'));
    return c.json({ notifications }, 200);
  });
  app.openapi(retryRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'admin');
    await retryNotification(ctx, by, c.req.valid('param').id);
    return c.body(null, 202);
  });
}
