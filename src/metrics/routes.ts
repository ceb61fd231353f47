import type { Ctx } from '../ctx.js';
import type { App } from '../http/env.js';

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
