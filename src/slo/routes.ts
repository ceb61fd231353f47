import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { computeSloReport } from './status.js';

const SloReport = z
  .object({
    generated_at: z.string(),
    period_days: z.number(),
    slos: z.array(z.object({}).passthrough()),
  })
  .openapi('SloReport', {
    description:
      'Every SLO: value, target, 7-day trend, budget remaining, burn rate per window, alert conditions and stored alert states, sub-SLOs',
  });

const getSlo = createRoute({
  method: 'get',
  path: '/v1/slo',
  summary: 'Every SLO of the caller’s tenant, computed from the rollups',
  security: BEARER,
  responses: {
    200: { description: 'The SLO report', content: { 'application/json': { schema: SloReport } } },
    403: PROBLEM,
  },
});

/** Mounts `GET /v1/slo`. */
export function mountSloRoutes(app: App, ctx: Ctx): void {
  app.openapi(getSlo, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'lead', 'auditor', 'admin');
    return c.json(await computeSloReport(ctx.db, ctx.slo.set, by.tenantId, ctx.clock()), 200);
  });
}
