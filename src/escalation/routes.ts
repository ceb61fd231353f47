import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { acknowledgeEscalation, listCaseEscalations } from './commands.js';

const Id = z.object({ id: z.string() });

const ackRoute = createRoute({
  method: 'post',
  path: '/v1/cases/{id}/escalation/acknowledge',
  summary: "Acknowledge a case's escalation: its repeats stop",
  security: BEARER,
  request: { params: Id },
  responses: { 204: { description: 'Acknowledged' }, 403: PROBLEM, 404: PROBLEM },
});

const listRoute = createRoute({
  method: 'get',
  path: '/v1/cases/{id}/escalations',
  summary: 'The escalation steps a case has fired',
  security: BEARER,
  request: { params: Id },
  responses: {
    200: {
      description: 'Fired steps, in order',
      content: {
        'application/json': {
          schema: z.object({
            escalations: z.array(
              z.object({
                step: z.string(),
                repeat_n: z.number().int(),
                due_at: z.string(),
                fired_at: z.string(),
                actions: z.array(z.string()),
              }),
            ),
          }),
        },
      },
    },
    403: PROBLEM,
  },
});

/** Mounts `POST /v1/cases/{id}/escalation/acknowledge` and `GET /v1/cases/{id}/escalations` (lead, admin). */
export function mountEscalationRoutes(app: App, ctx: Ctx): void {
  app.openapi(ackRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'admin');
    await acknowledgeEscalation(ctx, by, c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(listRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'admin');
    return c.json({ escalations: await listCaseEscalations(ctx, by, c.req.valid('param').id) }, 200);
  });
}
