import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { evaluateGoldenSet, uploadGoldenSet } from './evaluate.js';

const SetParam = z.object({ set: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/) });

const GoldenUpload = z
  .object({
    items: z
      .array(z.object({ transaction_id: z.string().min(1), expected_output: z.string() }).strict())
      .min(1)
      .max(10_000),
  })
  .strict()
  .openapi('GoldenUpload');

const GoldenRun = z
  .object({
    id: z.string(),
    set: z.string(),
    evaluated_at: z.string(),
    items: z.number(),
    matched: z.number(),
    accuracy: z.number().nullable(),
    mismatches: z.array(z.string()),
  })
  .openapi('GoldenRun');

const putGolden = createRoute({
  method: 'put',
  path: '/v1/golden/{set}',
  summary: 'Upload golden answers for recorded transactions (adds or replaces items)',
  security: BEARER,
  request: {
    params: SetParam,
    body: { required: true, content: { 'application/json': { schema: GoldenUpload } } },
  },
  responses: {
    200: {
      description: 'Stored',
      content: { 'application/json': { schema: z.object({ set: z.string(), written: z.number() }) } },
    },
    403: PROBLEM,
    404: PROBLEM,
    422: PROBLEM,
  },
});

const evaluateGolden = createRoute({
  method: 'post',
  path: '/v1/golden/{set}/evaluations',
  summary: 'Evaluate a golden set now against the released outputs',
  security: BEARER,
  request: { params: SetParam },
  responses: {
    201: { description: 'The evaluation', content: { 'application/json': { schema: GoldenRun } } },
    403: PROBLEM,
    404: PROBLEM,
  },
});

/** Mounts golden sets: `PUT /v1/golden/{set}`, `POST /v1/golden/{set}/evaluations`. */
export function mountGoldenRoutes(app: App, ctx: Ctx): void {
  app.openapi(putGolden, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'admin');
    return c.json(await uploadGoldenSet(ctx, by, c.req.valid('param').set, c.req.valid('json')), 200);
  });
  app.openapi(evaluateGolden, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'admin');
    return c.json(await evaluateGoldenSet(ctx, by.tenantId, by.keyId, c.req.valid('param').set), 201);
  });
}
