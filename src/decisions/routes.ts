import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { recordDecision } from './record.js';

const DecisionBody = z
  .object({
    action: z.enum(['approve', 'edit', 'reject', 'escalate']),
    output: z.string().optional().openapi({ description: 'The corrected output; required for edit' }),
    rationale: z.string().max(10_000).optional(),
    reason: z.string().max(200).optional(),
  })
  .strict()
  .openapi('DecisionInput');

const Decision = z
  .object({
    id: z.string(),
    case_id: z.string(),
    transaction_id: z.string(),
    action: z.enum(['approve', 'edit', 'reject', 'escalate']),
    verdict: z.enum(['released', 'held', 'blocked']),
    level: z.number().int(),
    edit_ratio: z.number().nullable(),
    time_spent_ms: z.number(),
    decided_at: z.string(),
  })
  .openapi('Decision');

const postDecision = createRoute({
  method: 'post',
  path: '/v1/cases/{id}/decisions',
  summary: 'Decide a case you hold: approve, edit, reject or escalate',
  security: BEARER,
  request: {
    params: z.object({ id: z.string() }),
    body: { required: true, content: { 'application/json': { schema: DecisionBody } } },
  },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: Decision } } },
    403: PROBLEM,
    404: PROBLEM,
    409: PROBLEM,
    422: PROBLEM,
  },
});

/** Mounts decisions: `POST /v1/cases/{id}/decisions`. */
export function mountDecisionRoutes(app: App, ctx: Ctx): void {
  app.openapi(postDecision, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    const body = c.req.valid('json');
    const decision = await recordDecision(ctx, by, { caseId: c.req.valid('param').id, ...body });
    return c.json(decision, 201);
  });
}
