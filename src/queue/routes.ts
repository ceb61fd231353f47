import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { claimNextCase } from './claim.js';
import { mountCaseRoutes } from './case-routes.js';
import { mountGroupRoutes } from './groups/group-routes.js';
import { getCard, getCaseDetails } from './card/view.js';

const Iso = z.string().openapi({ format: 'date-time' });

const CaseCard = z
  .object({
    case: z.object({
      id: z.string(),
      status: z.string(),
      level: z.number().int(),
      group: z.string().nullable(),
      risk_class: z.string(),
      reason: z.string().nullable(),
      created_at: Iso,
      entered_at: Iso,
      first_action_at: Iso.nullable(),
      due_at: Iso,
      original_due_at: Iso.nullable(),
      time_left_ms: z.number(),
      paused: z.boolean(),
      breached: z.boolean(),
      lease_expires_at: Iso.nullable(),
      assigned_to: z.string().nullable(),
      checklist: z.object({ name: z.string(), items: z.array(z.string()) }).nullable(),
      required_skills: z.array(z.string()),
      reviewers_required: z.number().int(),
      reviews_done: z.number().int(),
    }),
    transaction: z.object({
      id: z.string(),
      workflow: z.string().nullable(),
      prompt: z.unknown(),
      context: z.string(),
      output: z.string(),
      gates: z.unknown(),
      matched_rules: z.array(z.string()),
      metadata: z.unknown(),
      policy_version: z.string(),
    }),
    why: z.object({
      reason: z.string().nullable(),
      matched_rules: z.array(z.string()),
      findings: z.array(z.unknown()),
    }),
    similar: z.array(
      z.object({
        case_id: z.string(),
        action: z.string(),
        reason: z.string().nullable(),
        rationale: z.string().nullable(),
        decided_at: Iso,
        similarity: z.number(),
      }),
    ),
    templates: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['response', 'rejection']),
        name: z.string(),
        body: z.string(),
        reason: z.string().nullable(),
      }),
    ),
    reviews: z
      .array(
        z.object({
          reviewer_key_id: z.string(),
          action: z.string(),
          rationale: z.string().nullable(),
          reviewed_at: Iso,
        }),
      )
      .nullable()
      .openapi({ description: 'The blind reviews, shown once all are in (adjudication)' }),
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
    409: PROBLEM,
  },
});

const IdParam = z.object({ id: z.string() });

const getCardRoute = createRoute({
  method: 'get',
  path: '/v1/cases/{id}/card',
  summary: 'The case card: item, context, why it is queued, risk, time left, similar decisions, templates',
  security: BEARER,
  request: { params: IdParam },
  responses: {
    200: { description: 'The card', content: { 'application/json': { schema: CaseCard } } },
    403: PROBLEM,
    404: PROBLEM,
  },
});

const getDetailsRoute = createRoute({
  method: 'get',
  path: '/v1/cases/{id}/details',
  summary: "The case's long logs: clocks per stage, clock events, step timeline, model and telemetry",
  security: BEARER,
  request: { params: IdParam },
  responses: {
    200: {
      description: 'The details',
      content: { 'application/json': { schema: z.object({}).passthrough().openapi('CaseDetails') } },
    },
    403: PROBLEM,
    404: PROBLEM,
  },
});

/** Mounts the review queue: claims, cards, leases, pauses, assignment and groups. */
export function mountQueueRoutes(app: App, ctx: Ctx): void {
  app.openapi(reviewNext, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    const card = await claimNextCase(ctx, by);
    if (!card) return c.body(null, 204);
    return c.json(card, 200);
  });
  app.openapi(getCardRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    return c.json(await getCard(ctx, by, c.req.valid('param').id), 200);
  });
  app.openapi(getDetailsRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    return c.json(await getCaseDetails(ctx, by, c.req.valid('param').id), 200);
  });
  mountCaseRoutes(app, ctx);
  mountGroupRoutes(app, ctx);
}
