import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { activatePolicy, describeActivePolicies, listPolicyVersions } from './versions/activation.js';
import { describeSafePatterns } from './state/safe-patterns.js';

const Role = z
  .enum(['primary', 'workflow'])
  .optional()
  .openapi({
    description:
      'primary (default): routes every workflow without its own policy; ' +
      'workflow: routes only transactions whose `workflow` is the policy name',
  });

const ActivationBody = z
  .union([
    z
      .object({ yaml: z.string().min(1).openapi({ description: 'The policy file, as YAML text' }), as: Role })
      .strict(),
    z
      .object({
        version: z.string().min(1).openapi({ description: 'A stored version, to roll back to' }),
        as: Role,
      })
      .strict(),
  ])
  .openapi('PolicyActivationInput');

const Activation = z
  .object({
    version: z.string(),
    name: z.string(),
    role: z.enum(['primary', 'workflow']),
    previous: z.string().nullable(),
    activated_at: z.string(),
  })
  .openapi('PolicyActivation');

const PolicyView = z.object({
  version: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  yaml: z.string(),
});

const ActivePolicy = PolicyView.extend({ workflows: z.array(PolicyView) }).openapi('ActivePolicy');

const PolicyVersion = z
  .object({
    version: z.string(),
    name: z.string(),
    created_by: z.string(),
    created_at: z.string(),
    activated_at: z.string().nullable(),
    active_as: z.enum(['primary', 'workflow']).nullable(),
  })
  .openapi('PolicyVersion');

const postPolicy = createRoute({
  method: 'post',
  path: '/v1/policies',
  summary: 'Validate and activate a policy (admin); new transactions route with it at once',
  description:
    'Send `yaml` to store and activate a new version, or `version` to re-activate a stored one (rollback). ' +
    'A policy that fails validation is never activated (422 `policy_invalid`, with file:line:col); the running one stays.',
  security: BEARER,
  request: { body: { required: true, content: { 'application/json': { schema: ActivationBody } } } },
  responses: {
    201: { description: 'Activated', content: { 'application/json': { schema: Activation } } },
    403: PROBLEM,
    404: PROBLEM,
    422: PROBLEM,
  },
});

const getActive = createRoute({
  method: 'get',
  path: '/v1/policies/active',
  summary: 'The policies new transactions route with: the primary one and each workflow’s own',
  security: BEARER,
  responses: {
    200: { description: 'The active policy', content: { 'application/json': { schema: ActivePolicy } } },
    403: PROBLEM,
  },
});

const listPolicies = createRoute({
  method: 'get',
  path: '/v1/policies',
  summary: 'Every stored policy version, newest first',
  security: BEARER,
  responses: {
    200: {
      description: 'Versions',
      content: { 'application/json': { schema: z.object({ versions: z.array(PolicyVersion) }) } },
    },
    403: PROBLEM,
  },
});

const SafePattern = z
  .object({
    rule_id: z.string(),
    fingerprint: z.string(),
    approvals: z.number().int(),
    reversals: z.number().int(),
    last_approved_at: z.string().nullable(),
    last_reversed_at: z.string().nullable(),
    after: z.number().int().nullable(),
    enabled: z.boolean(),
    auto_release: z.boolean(),
  })
  .openapi('SafePattern');

const listSafePatterns = createRoute({
  method: 'get',
  path: '/v1/safe-patterns',
  summary: 'Learned safe patterns (rule + fingerprint): approvals, reversals, whether they auto-release',
  security: BEARER,
  responses: {
    200: {
      description: 'Patterns, most approved first',
      content: { 'application/json': { schema: z.object({ patterns: z.array(SafePattern) }) } },
    },
    403: PROBLEM,
  },
});

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Mounts `POST /v1/policies` (admin), `GET /v1/policies/active`, `GET /v1/policies` (admin,
 * auditor) and `GET /v1/safe-patterns` (admin, lead, auditor).
 */
export function mountPolicyRoutes(app: App, ctx: Ctx): void {
  app.openapi(postPolicy, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'admin');
    return c.json(await activatePolicy(ctx, by, c.req.valid('json')), 201);
  });
  app.openapi(getActive, (c) => {
    requireRole(c.get('principal'), 'admin', 'auditor', 'lead', 'sme');
    return c.json(describeActivePolicies(ctx), 200);
  });
  app.openapi(listPolicies, async (c) => {
    requireRole(c.get('principal'), 'admin', 'auditor');
    const rows = await listPolicyVersions(ctx);
    const versions = rows.map((r) => ({
      ...r,
      created_at: iso(r.created_at)!,
      activated_at: iso(r.activated_at),
    }));
    return c.json({ versions }, 200);
  });
  app.openapi(listSafePatterns, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'admin', 'lead', 'auditor');
    return c.json({ patterns: await describeSafePatterns(ctx, by.tenantId) }, 200);
  });
}
