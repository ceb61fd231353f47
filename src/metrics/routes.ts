import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { durationMinutes } from '../slo/index.js';
import { computeDailyReport } from './daily-report.js';
import { computeSlaMetrics } from './sla.js';

/**
 * Mounts `GET /metrics` (Prometheus text format), outside `/v1` and without an API key as
 * Prometheus scrapes it; it carries process-wide operational counts, no tenant data.
 */
export function mountMetricsRoute(app: App, ctx: Ctx): void {
  app.get('/metrics', async (c) => {
    const body = await ctx.metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': ctx.metrics.registry.contentType });
  });
}

const Report = z.object({}).passthrough();

const getSla = createRoute({
  method: 'get',
  path: '/v1/metrics/sla',
  summary: 'SLA metrics (seed 1 template, seed 2 queue metrics) per risk class over a window',
  security: BEARER,
  request: {
    query: z.object({
      window: z
        .string()
        .regex(/^\d+[mhd]$/)
        .optional()
        .openapi({ description: 'trailing window, default 24h' }),
      from: z.string().datetime({ offset: true }).optional(),
      to: z.string().datetime({ offset: true }).optional(),
      workflow: z.string().optional(),
    }),
  },
  responses: {
    200: {
      description: 'SLA metrics',
      content: { 'application/json': { schema: Report.openapi('SlaMetrics') } },
    },
    403: PROBLEM,
    422: PROBLEM,
  },
});

const getDaily = createRoute({
  method: 'get',
  path: '/v1/reports/daily',
  summary: 'The daily control report: five questions on one screen, with likely reasons for deviations',
  security: BEARER,
  request: {
    query: z.object({
      date: z.string().optional().openapi({ description: 'YYYY-MM-DD (UTC), default today' }),
    }),
  },
  responses: {
    200: {
      description: 'Daily report',
      content: { 'application/json': { schema: Report.openapi('DailyReport') } },
    },
    403: PROBLEM,
    422: PROBLEM,
  },
});

/** Mounts `GET /v1/metrics/sla` and `GET /v1/reports/daily`. */
export function mountReportRoutes(app: App, ctx: Ctx): void {
  app.openapi(getSla, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'auditor', 'admin');
    const q = c.req.valid('query');
    const to = q.to ? new Date(q.to) : ctx.clock();
    const from = q.from
      ? new Date(q.from)
      : new Date(to.getTime() - durationMinutes(q.window ?? '24h') * 60_000);
    if (from >= to) {
      throw new GatehouseError('invalid_request', 'from must be before to', [
        { pointer: '/from', detail: 'must be before to' },
      ]);
    }
    return c.json(
      await computeSlaMetrics(ctx, { tenantId: by.tenantId, from, to, workflow: q.workflow ?? null }),
      200,
    );
  });
  app.openapi(getDaily, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'auditor', 'admin');
    return c.json(await computeDailyReport(ctx, by.tenantId, c.req.valid('query').date), 200);
  });
}
