import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { agreementReport } from './stats.js';
import {
  archiveTemplate,
  createTemplate,
  listRejectionReasons,
  listTemplates,
  putRejectionReason,
} from './templates.js';

const Template = z
  .object({
    id: z.string(),
    kind: z.enum(['response', 'rejection']),
    name: z.string(),
    body: z.string(),
    reason: z.string().nullable(),
  })
  .openapi('Template');
const TemplateInput = z
  .object({
    kind: z.enum(['response', 'rejection']),
    name: z.string().min(1).max(200),
    body: z.string().min(1).max(10_000),
    reason: z.string().max(200).nullable().default(null),
  })
  .strict()
  .openapi('TemplateInput');
const Reason = z
  .object({ code: z.string().regex(/^[a-z][a-z0-9_]{0,62}$/), label: z.string().min(1).max(500) })
  .openapi('RejectionReason');
const ok = <T extends z.ZodType>(schema: T) => ({
  description: 'OK',
  content: { 'application/json': { schema } },
});
const READERS = ['reviewer', 'sme', 'lead', 'admin'] as const;

const routes = {
  listTemplates: createRoute({
    method: 'get',
    path: '/v1/templates',
    summary: 'Response and rejection templates',
    security: BEARER,
    responses: { 200: ok(z.object({ templates: z.array(Template) })), 403: PROBLEM },
  }),
  createTemplate: createRoute({
    method: 'post',
    path: '/v1/templates',
    summary: 'Create a template (lead, admin)',
    security: BEARER,
    request: { body: { required: true, content: { 'application/json': { schema: TemplateInput } } } },
    responses: { 201: ok(Template), 403: PROBLEM, 422: PROBLEM },
  }),
  archiveTemplate: createRoute({
    method: 'delete',
    path: '/v1/templates/{id}',
    summary: 'Archive a template (lead, admin)',
    security: BEARER,
    request: { params: z.object({ id: z.string() }) },
    responses: { 204: { description: 'Archived' }, 403: PROBLEM, 404: PROBLEM },
  }),
  listReasons: createRoute({
    method: 'get',
    path: '/v1/rejection-reasons',
    summary: "The tenant's rejection reasons (besides the policy's reasons)",
    security: BEARER,
    responses: { 200: ok(z.object({ reasons: z.array(Reason) })), 403: PROBLEM },
  }),
  putReason: createRoute({
    method: 'put',
    path: '/v1/rejection-reasons/{code}',
    summary: 'Add or relabel a rejection reason (lead, admin)',
    security: BEARER,
    request: {
      params: z.object({ code: Reason.shape.code }),
      body: {
        required: true,
        content: { 'application/json': { schema: z.object({ label: Reason.shape.label }).strict() } },
      },
    },
    responses: { 204: { description: 'Stored' }, 403: PROBLEM, 422: PROBLEM },
  }),
  agreement: createRoute({
    method: 'get',
    path: '/v1/reviews/agreement',
    summary: "Blind-review agreement: Fleiss' kappa per rule, Cohen's kappa per reviewer",
    security: BEARER,
    responses: { 200: ok(z.object({}).passthrough().openapi('AgreementReport')), 403: PROBLEM },
  }),
};

/** Mounts templates, rejection reasons and the agreement report. */
export function mountTemplateRoutes(app: App, ctx: Ctx): void {
  app.openapi(routes.listTemplates, async (c) => {
    requireRole(c.get('principal'), ...READERS);
    return c.json({ templates: await listTemplates(ctx, c.get('principal')) }, 200);
  });
  app.openapi(routes.createTemplate, async (c) => {
    requireRole(c.get('principal'), 'lead', 'admin');
    return c.json(await createTemplate(ctx, c.get('principal'), c.req.valid('json')), 201);
  });
  app.openapi(routes.archiveTemplate, async (c) => {
    requireRole(c.get('principal'), 'lead', 'admin');
    await archiveTemplate(ctx, c.get('principal'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(routes.listReasons, async (c) => {
    requireRole(c.get('principal'), ...READERS);
    return c.json({ reasons: await listRejectionReasons(ctx, c.get('principal')) }, 200);
  });
  app.openapi(routes.putReason, async (c) => {
    requireRole(c.get('principal'), 'lead', 'admin');
    await putRejectionReason(ctx, c.get('principal'), {
      code: c.req.valid('param').code,
      label: c.req.valid('json').label,
    });
    return c.body(null, 204);
  });
  app.openapi(routes.agreement, async (c) => {
    requireRole(c.get('principal'), 'lead', 'admin', 'auditor');
    return c.json(await agreementReport(ctx, c.get('principal')), 200);
  });
}
