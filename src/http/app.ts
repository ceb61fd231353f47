import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { mountAuditRoutes } from '../audit/routes.js';
import type { Ctx } from '../ctx.js';
import { pendingMigrations } from '../db/index.js';
import { mountDecisionRoutes } from '../decisions/routes.js';
import { mountStreamRoutes } from '../decisions/stream.js';
import { mountEscalationRoutes } from '../escalation/routes.js';
import { mountIncidentRoutes } from '../incidents/routes.js';
import { mountNotificationRoutes } from '../notify/routes.js';
import { GatehouseError } from '../errors.js';
import { mountGateRoutes } from '../gates/routes.js';
import { mountFeedbackRoutes } from '../feedback/routes.js';
import { mountGoldenRoutes } from '../golden/routes.js';
import { mountIntakeRoutes } from '../intake/routes.js';
import { authenticate, type Principal } from '../keys/index.js';
import { mountKeyRoutes } from '../keys/routes.js';
import { mountMetricsRoute, mountReportRoutes } from '../metrics/routes.js';
import { mountQueueRoutes } from '../queue/routes.js';
import { mountSloRoutes } from '../slo/routes.js';
import { mountPolicyRoutes } from '../routing/routes.js';
import type { AppEnv } from './env.js';
import { fromZodError, problemResponse } from './problem.js';

// Authentication costs a query; a short cache keeps it off the intake hot path. A revoked key
// stops working within this time.
const KEY_CACHE_MS = 5_000;

/** Builds the HTTP app: health, OpenAPI, and every domain's `/v1` routes behind API keys. */
export function createApp(ctx: Ctx): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return problemResponse(c, fromZodError(result.error));
    },
  });
  app.onError((err, c) => {
    if (!(err instanceof GatehouseError)) {
      if (isMalformedJson(err))
        return problemResponse(
          c,
          new GatehouseError('malformed_json', 'the body is not valid JSON', [
            { pointer: '', detail: 'not valid JSON' },
          ]),
        );
      ctx.log.error('request failed', { path: c.req.path, error: String((err as Error).stack ?? err) });
    }
    return problemResponse(c, err);
  });
  app.notFound((c) =>
    problemResponse(c, new GatehouseError('not_found', `no route ${c.req.method} ${c.req.path}`)),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  mountMetricsRoute(app, ctx);
  app.get('/readyz', async (c) => {
    try {
      const pending = await pendingMigrations(ctx.db);
      if (pending.length > 0) throw new GatehouseError('not_ready', `${pending.length} migrations pending`);
      return c.json({ status: 'ready', store: ctx.db.kind });
    } catch (err) {
      return problemResponse(
        c,
        err instanceof GatehouseError ? err : new GatehouseError('not_ready', 'database unreachable'),
      );
    }
  });

  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: ctx.config.bodyLimitBytes,
      onError: () => {
        throw new GatehouseError('body_too_large', `the body exceeds ${ctx.config.bodyLimitBytes} bytes`);
      },
    }),
  );
  const cache = new Map<string, { principal: Principal; until: number }>();
  app.use('/v1/*', async (c, next) => {
    if (c.req.path === '/v1/openapi.json') return next();
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const hit = token ? cache.get(token) : undefined;
    let principal = hit && hit.until > Date.now() ? hit.principal : undefined;
    if (!principal) {
      principal = await authenticate(ctx.db, token);
      if (cache.size > 10_000) cache.clear();
      cache.set(token!, { principal, until: Date.now() + KEY_CACHE_MS });
    }
    c.set('principal', principal);
    return next();
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', { type: 'http', scheme: 'bearer' });
  mountStreamRoutes(app, ctx);
  mountIntakeRoutes(app, ctx);
  mountQueueRoutes(app, ctx);
  mountDecisionRoutes(app, ctx);
  mountKeyRoutes(app, ctx);
  mountAuditRoutes(app, ctx);
  mountGateRoutes(app, ctx);
  mountSloRoutes(app, ctx);
  mountFeedbackRoutes(app, ctx);
  mountPolicyRoutes(app, ctx);
  mountEscalationRoutes(app, ctx);
  mountIncidentRoutes(app, ctx);
  mountNotificationRoutes(app, ctx);
  mountReportRoutes(app, ctx);
  mountGoldenRoutes(app, ctx);
  app.doc31('/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse',
      version: '0.1.0',
      description: 'Human-in-the-loop gates, review queue and audit for LLM outputs',
    },
  });
  return app;
}

function isMalformedJson(err: unknown): boolean {
  return (
    err instanceof Error &&
    'status' in err &&
    (err as { status: number }).status === 400 &&
    /json/i.test(err.message)
  );
}
