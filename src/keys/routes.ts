import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { createKey, requireRole, ROLES } from './index.js';

const KeyBody = z
  .object({
    roles: z.array(z.enum(ROLES)).min(1),
    tenant: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
      .optional()
      .openapi({ description: "Defaults to the caller's tenant" }),
    name: z.string().max(200).optional(),
  })
  .strict()
  .openapi('KeyInput');

const postKey = createRoute({
  method: 'post',
  path: '/v1/keys',
  summary: 'Create an API key (admin); the key is shown only in this response',
  security: BEARER,
  request: { body: { required: true, content: { 'application/json': { schema: KeyBody } } } },
  responses: {
    201: {
      description: 'Created',
      content: {
        'application/json': {
          schema: z
            .object({ id: z.string(), key: z.string(), tenant: z.string(), roles: z.array(z.enum(ROLES)) })
            .openapi('Key'),
        },
      },
    },
    403: PROBLEM,
    422: PROBLEM,
  },
});

/** Mounts key management: `POST /v1/keys`. */
export function mountKeyRoutes(app: App, ctx: Ctx): void {
  app.openapi(postKey, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'admin');
    return c.json(await createKey(ctx, by, c.req.valid('json')), 201);
  });
}
