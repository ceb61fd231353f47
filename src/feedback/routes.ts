import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { FEEDBACK_KINDS, recordFeedback, recordRating } from './record.js';

const FeedbackInput = z
  .object({
    transaction_id: z.string().min(1),
    kind: z.enum(FEEDBACK_KINDS).openapi({
      description:
        'Implicit signal: accepted | regenerated | abandoned | handed_off; or safety_incident on a released output',
    }),
    detail: z.string().max(10_000).optional(),
  })
  .strict()
  .openapi('FeedbackInput');

const RatingInput = z
  .object({
    transaction_id: z.string().min(1),
    score: z.number().int().min(1).max(5).openapi({ description: '1..5; 4 or 5 counts as useful' }),
    comment: z.string().max(10_000).optional(),
  })
  .strict()
  .openapi('RatingInput');

const Recorded = z.object({ id: z.string(), transaction_id: z.string(), at: z.string() }).openapi('Recorded');

const created = { description: 'Recorded', content: { 'application/json': { schema: Recorded } } };

const postFeedback = createRoute({
  method: 'post',
  path: '/v1/feedback',
  summary: 'Report what the user did with an output, or a safety incident on a released one',
  security: BEARER,
  request: { body: { required: true, content: { 'application/json': { schema: FeedbackInput } } } },
  responses: { 201: created, 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 422: PROBLEM },
});

const postRating = createRoute({
  method: 'post',
  path: '/v1/ratings',
  summary: 'Record a human rater’s score of an output',
  security: BEARER,
  request: { body: { required: true, content: { 'application/json': { schema: RatingInput } } } },
  responses: { 201: created, 403: PROBLEM, 404: PROBLEM, 422: PROBLEM },
});

/** Mounts `POST /v1/feedback` and `POST /v1/ratings`. */
export function mountFeedbackRoutes(app: App, ctx: Ctx): void {
  app.openapi(postFeedback, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'ingest', 'admin');
    return c.json(await recordFeedback(ctx, by, c.req.valid('json')), 201);
  });
  app.openapi(postRating, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead', 'admin');
    return c.json(await recordRating(ctx, by, c.req.valid('json')), 201);
  });
}
