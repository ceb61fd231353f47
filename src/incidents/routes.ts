import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { getIncident, listIncidentsFor } from './commands.js';
import { transitionIncident } from './incidents.js';
import { presentIncident } from './view.js';

const Incident = z
  .object({
    id: z.string(),
    dedup_key: z.string(),
    rule: z.string(),
    fingerprint: z.string(),
    title: z.string(),
    status: z.enum(['open', 'acknowledged', 'resolved']),
    occurrences: z.number().int(),
    opened_at: z.string(),
    last_seen_at: z.string(),
    acknowledged_at: z.string().nullable(),
    acknowledged_by: z.string().nullable(),
    resolved_at: z.string().nullable(),
    resolved_by: z.string().nullable(),
    links: z
      .array(z.object({ subject: z.string(), subject_id: z.string(), linked_at: z.string() }))
      .optional(),
  })
  .openapi('Incident');

const Id = z.object({ id: z.string() });

const listRoute = createRoute({
  method: 'get',
  path: '/v1/incidents',
  summary: 'L3 incidents, newest first',
  security: BEARER,
  request: {
    query: z.object({
      status: z.enum(['open', 'acknowledged', 'resolved']).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: {
      description: 'Incidents',
      content: { 'application/json': { schema: z.object({ incidents: z.array(Incident) }) } },
    },
    403: PROBLEM,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/incidents/{id}',
  summary: 'One incident with the cases and transactions linked to it',
  security: BEARER,
  request: { params: Id },
  responses: {
    200: { description: 'The incident', content: { 'application/json': { schema: Incident } } },
    403: PROBLEM,
    404: PROBLEM,
  },
});

const transitionRoute = (to: 'acknowledge' | 'resolve') =>
  createRoute({
    method: 'post',
    path: `/v1/incidents/{id}/${to}`,
    summary: to === 'acknowledge' ? 'Acknowledge an open incident' : 'Resolve an incident',
    security: BEARER,
    request: { params: Id },
    responses: {
      200: { description: 'The incident now', content: { 'application/json': { schema: Incident } } },
      403: PROBLEM,
      404: PROBLEM,
      409: PROBLEM,
    },
  });

/** Mounts incidents (lead, admin): list, one, acknowledge, resolve. */
export function mountIncidentRoutes(app: App, ctx: Ctx): void {
  app.openapi(listRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'admin');
    return c.json({ incidents: await listIncidentsFor(ctx, by, c.req.valid('query')) }, 200);
  });
  app.openapi(getRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'admin');
    return c.json(await getIncident(ctx, by, c.req.valid('param').id), 200);
  });
  for (const [verb, to] of [
    ['acknowledge', 'acknowledged'],
    ['resolve', 'resolved'],
  ] as const) {
    app.openapi(transitionRoute(verb), async (c) => {
      const by = c.get('principal');
      requireRole(by, 'lead', 'admin');
      return c.json(presentIncident(await transitionIncident(ctx, by, c.req.valid('param').id, to)), 200);
    });
  }
}
