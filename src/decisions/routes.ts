import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { recordDecision } from './record.js';
import { mountTemplateRoutes } from './template-routes.js';

const DecisionBody = z
  .object({
    action: z.enum(['approve', 'edit', 'reject', 'escalate']),
    output: z.string().optional().openapi({ description: 'The corrected output; required for edit' }),
    rationale: z.string().max(10_000).optional(),
    reason: z.string().max(200).optional().openapi({
      description: "For reject: a policy reason or a rejection reason; default the case's own reason",
    }),
    template_id: z.string().max(200).optional(),
    checklist: z.record(z.string(), z.boolean()).optional().openapi({
      description:
        "The case checklist's items, each true when done; all are required to approve, edit or reject",
    }),
    level: z
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: 'Escalate to this level (default one up, at most 3)' }),
    note: z.string().max(10_000).optional().openapi({ description: 'A note for the next level' }),
  })
  .strict()
  .openapi('DecisionInput');

const Consensus = z
  .object({
    state: z.enum(['pending', 'agreed', 'adjudication']),
    remaining: z.number().int().optional(),
    action: z.enum(['approve', 'reject']).optional(),
  })
  .nullable();

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
    consensus: Consensus,
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

/** Mounts decisions: `POST /v1/cases/{id}/decisions`, templates, rejection reasons, agreement. */
export function mountDecisionRoutes(app: App, ctx: Ctx): void {
  app.openapi(postDecision, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    const body = c.req.valid('json');
    const decision = await recordDecision(ctx, by, { caseId: c.req.valid('param').id, ...body });
    return c.json(decision, 201);
  });
  mountTemplateRoutes(app, ctx);
}
