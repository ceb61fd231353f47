import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { claimNextCase } from './claim.js';

const CaseCard = z
  .object({
    case: z.object({
      id: z.string(),
      status: z.string(),
      level: z.number().int(),
      risk_class: z.string(),
      reason: z.string().nullable(),
      entered_at: z.string(),
      due_at: z.string(),
      time_left_ms: z.number(),
      lease_expires_at: z.string().nullable(),
    }),
    transaction: z.object({
      id: z.string(),
      workflow: z.string().nullable(),
      prompt: z.unknown(),
      output: z.string(),
      gates: z.unknown(),
      matched_rules: z.array(z.string()),
      metadata: z.unknown(),
      policy_version: z.string(),
    }),
  })
  .openapi('CaseCard');

const reviewNext = createRoute({
  method: 'post',
  path: '/v1/review/next',
  summary: "Claim the caller's next case (stream mode) and return its card",
  security: BEARER,
  responses: {
    200: { description: 'The claimed case', content: { 'application/json': { schema: CaseCard } } },
    204: { description: 'No case is waiting for you' },
    403: PROBLEM,
  },
});

/** Mounts the review queue: `POST /v1/review/next`. */
export function mountQueueRoutes(app: App, ctx: Ctx): void {
  app.openapi(reviewNext, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    const card = await claimNextCase(ctx, by);
    if (!card) return c.body(null, 204);
    return c.json(card, 200);
  });
}
