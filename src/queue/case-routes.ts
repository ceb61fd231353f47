import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { assignCase } from './assign.js';
import { extendLease, releaseCase } from './lease.js';
import { pauseCase, resumeCase } from './pause.js';

const IdParam = z.object({ id: z.string() });
const json = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});
const errors = { 403: PROBLEM, 404: PROBLEM, 409: PROBLEM, 422: PROBLEM };

const Lease = z.object({ case_id: z.string(), lease_expires_at: z.string() }).openapi('Lease');
const PauseState = z
  .object({
    case_id: z.string(),
    status: z.enum(['paused', 'open']),
    due_at: z.string(),
    original_due_at: z.string(),
  })
  .openapi('PauseState');

const leaseRoute = createRoute({
  method: 'post',
  path: '/v1/cases/{id}/lease',
  summary: 'Heartbeat: extend your lease on a case you hold',
  security: BEARER,
  request: { params: IdParam },
  responses: {
    200: { description: 'Extended', content: { 'application/json': { schema: Lease } } },
    ...errors,
  },
});

const releaseRoute = createRoute({
  method: 'post',
  path: '/v1/cases/{id}/release',
  summary: 'Give a case you hold back to its queue, undecided',
  security: BEARER,
  request: {
    params: IdParam,
    body: {
      required: false,
      content: {
        'application/json': { schema: z.object({ note: z.string().max(2000).optional() }).strict() },
      },
    },
  },
  responses: { 204: { description: 'Released' }, ...errors },
});

const pauseRoute = createRoute({
  method: 'post',
  path: '/v1/cases/{id}/pause',
  summary: 'Pause a case you hold while waiting for information from outside (reason required)',
  security: BEARER,
  request: { params: IdParam, body: json(z.object({ reason: z.string().min(1).max(2000) }).strict()) },
  responses: {
    200: { description: 'Paused', content: { 'application/json': { schema: PauseState } } },
    ...errors,
  },
});

const resumeRoute = createRoute({
  method: 'post',
  path: '/v1/cases/{id}/resume',
  summary: 'Resume a paused case: its due time moves by the paused business time',
  security: BEARER,
  request: { params: IdParam },
  responses: {
    200: { description: 'Back in the queue', content: { 'application/json': { schema: PauseState } } },
    ...errors,
  },
});

const assignRoute = createRoute({
  method: 'post',
  path: '/v1/cases/{id}/assign',
  summary: 'Assign a case to one member of its group (lead, admin); key_id null removes the assignment',
  security: BEARER,
  request: { params: IdParam, body: json(z.object({ key_id: z.string().min(1).nullable() }).strict()) },
  responses: { 204: { description: 'Assigned' }, ...errors },
});

/** Mounts the case commands: lease heartbeat, release, pause, resume, assign. */
export function mountCaseRoutes(app: App, ctx: Ctx): void {
  app.openapi(leaseRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    return c.json(await extendLease(ctx, by, c.req.valid('param').id), 200);
  });
  app.openapi(releaseRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    const body = (c.req.header('content-type') ? c.req.valid('json') : undefined) ?? {};
    await releaseCase(ctx, by, c.req.valid('param').id, body.note);
    return c.body(null, 204);
  });
  app.openapi(pauseRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    return c.json(await pauseCase(ctx, by, c.req.valid('param').id, c.req.valid('json').reason), 200);
  });
  app.openapi(resumeRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'reviewer', 'sme', 'lead');
    return c.json(await resumeCase(ctx, by, c.req.valid('param').id), 200);
  });
  app.openapi(assignRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'admin');
    await assignCase(ctx, by, c.req.valid('param').id, c.req.valid('json').key_id);
    return c.body(null, 204);
  });
}
