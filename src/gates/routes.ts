import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { route } from '../routing/index.js';
import { evaluateGates } from './evaluate.js';
import { gateFacts } from './facts.js';
import { GateResult } from './schema.js';
import { revealVaulted } from './vault/index.js';

const Message = z.object({ role: z.string().min(1), content: z.string() }).strict();

const EvaluateInput = z
  .object({
    text: z
      .string()
      .optional()
      .openapi({ description: 'A text to check as a model output (shorthand for output)' }),
    prompt: z.union([z.string(), z.array(Message).min(1)]).optional(),
    output: z.string().optional(),
    confidence: z.number().min(0).max(1).optional(),
    workflow: z.string().min(1).max(200).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    // The rest of a transaction body, so one can be sent here as it is; only routing reads them.
    model: z
      .object({ name: z.string().min(1), version: z.string().optional() })
      .strict()
      .optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    telemetry: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((b) => (b.text === undefined) !== (b.output === undefined), {
    message: 'give exactly one of text or output',
    path: ['output'],
  })
  .openapi('GateEvaluationInput');

const Evaluation = z
  .object({
    gates: z.array(GateResult),
    prompt: z.union([z.string(), z.array(Message)]),
    output: z.string().openapi({ description: 'The output as it would be released (redacted, labelled)' }),
    route: z
      .object({
        risk_class: z.string(),
        reason: z.string().nullable(),
        action: z.enum(['release', 'review', 'sample', 'block']),
        matched_rules: z.array(z.string()),
      })
      .openapi({ description: 'Where the policy in force would send it' }),
    policy_version: z.string(),
  })
  .openapi('GateEvaluation');

const postEvaluate = createRoute({
  method: 'post',
  path: '/v1/gates/evaluate',
  summary: 'Dry run: run the configured gates on a text or transaction; nothing is stored',
  security: BEARER,
  request: { body: { required: true, content: { 'application/json': { schema: EvaluateInput } } } },
  responses: {
    200: { description: 'The gate results', content: { 'application/json': { schema: Evaluation } } },
    403: PROBLEM,
    422: PROBLEM,
  },
});

const postReveal = createRoute({
  method: 'post',
  path: '/v1/vault/{id}/reveal',
  summary: 'Reveal a vaulted PII original (needs a role in gates.pii.reveal_roles; audited)',
  security: BEARER,
  request: {
    params: z.object({ id: z.string().min(1) }),
    body: {
      required: false,
      content: {
        'application/json': { schema: z.object({ reason: z.string().max(500).optional() }).strict() },
      },
    },
  },
  responses: {
    200: {
      description: 'The original value',
      content: {
        'application/json': {
          schema: z
            .object({
              id: z.string(),
              entity_type: z.string(),
              transaction_id: z.string().nullable(),
              value: z.string(),
            })
            .openapi('RevealedValue'),
        },
      },
    },
    403: PROBLEM,
    404: PROBLEM,
  },
});

/** Mounts gates: `POST /v1/gates/evaluate` (dry run) and `POST /v1/vault/{id}/reveal`. */
export function mountGateRoutes(app: App, ctx: Ctx): void {
  app.openapi(postEvaluate, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'ingest', 'admin', 'sme', 'lead');
    const body = c.req.valid('json');
    const policy = ctx.policy();
    const evaluation = await evaluateGates(
      policy.gates,
      {
        prompt: body.prompt ?? '',
        output: body.output ?? body.text ?? '',
        confidence: body.confidence ?? null,
        workflow: body.workflow ?? null,
        metadata: body.metadata ?? {},
      },
      await ctx.tenantHashKey(by.tenantId),
    );
    const decision = route(policy.doc, {
      workflow: body.workflow ?? null,
      confidence: body.confidence ?? null,
      model: body.model ?? null,
      metadata: body.metadata ?? {},
      telemetry: body.telemetry ?? {},
      gates: gateFacts(evaluation.gates),
    });
    return c.json(
      {
        ...evaluation,
        route: {
          risk_class: decision.risk_class,
          reason: decision.reason,
          action: decision.action,
          matched_rules: decision.matched_rules,
        },
        policy_version: policy.doc.version,
      },
      200,
    );
  });
  app.openapi(postReveal, async (c) => {
    const by = c.get('principal');
    const body = (c.req.valid('json') as { reason?: string } | undefined) ?? {};
    return c.json(await revealVaulted(ctx, by, c.req.valid('param').id, body.reason ?? null), 200);
  });
}
