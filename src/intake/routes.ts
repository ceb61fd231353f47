import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { requireRole } from '../keys/index.js';
import { getTransaction } from './index.js';
import { acceptTransaction } from './intake.js';
import { TransactionInput, TransactionView } from './schema.js';

import { PROBLEM as problem } from '../http/schemas.js';

const postTransaction = createRoute({
  method: 'post',
  path: '/v1/transactions',
  summary: 'Send an LLM transaction through the gates; get its verdict',
  security: BEARER,
  request: {
    headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }),
    body: { required: true, content: { 'application/json': { schema: TransactionInput } } },
  },
  responses: {
    201: {
      description: 'Accepted and committed',
      content: { 'application/json': { schema: TransactionView } },
    },
    200: {
      description: 'A replay of an earlier request with the same Idempotency-Key',
      content: { 'application/json': { schema: TransactionView } },
    },
    409: problem,
    413: problem,
    422: problem,
  },
});

const getTransactionRoute = createRoute({
  method: 'get',
  path: '/v1/transactions/{id}',
  summary: 'Read a transaction; with wait=N, long-poll until a held one is decided',
  security: BEARER,
  request: {
    params: z.object({ id: z.string() }),
    query: z.object({ wait: z.coerce.number().int().min(0).max(3600).optional() }),
  },
  responses: {
    200: { description: 'The transaction now', content: { 'application/json': { schema: TransactionView } } },
    404: problem,
  },
});

/** Mounts intake: `POST /v1/transactions`, `GET /v1/transactions/{id}`. */
export function mountIntakeRoutes(app: App, ctx: Ctx): void {
  app.openapi(postTransaction, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'ingest', 'admin');
    const result = await acceptTransaction(
      ctx,
      by,
      c.req.valid('json'),
      c.req.valid('header')['idempotency-key'],
    );
    if (result.replayed) c.header('idempotent-replayed', 'true');
    return c.json(result.view, result.replayed ? 200 : 201);
  });
  app.openapi(getTransactionRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'ingest', 'admin', 'reviewer', 'sme', 'lead', 'auditor');
    const view = await getTransaction(ctx, by, c.req.valid('param').id, c.req.valid('query').wait ?? 0);
    return c.json(view, 200);
  });
}
