import { createRoute, z } from '@hono/zod-openapi';
import { awaitTransactionReceipts } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { requireRole } from '../keys/index.js';
import { getTransaction } from './index.js';
import { acceptTransaction } from './intake.js';
import { TransactionInput, TransactionView } from './schema.js';

import { PROBLEM as problem } from '../http/schemas.js';

const TransactionWithReceipts = TransactionView.extend({
  audit_receipts: z
    .array(z.object({ kind: z.string(), index: z.number().int(), entry: z.string(), receipt: z.string() }))
    .nullable()
    .optional(),
}).openapi('TransactionWithReceipts');

const postTransaction = createRoute({
  method: 'post',
  path: '/v1/transactions',
  summary: 'Send an LLM transaction through the gates; get its verdict',
  security: BEARER,
  request: {
    headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }),
    // receipt=wait: answer once the transaction's audit entries are in a signed checkpoint, with a
    // tlog-proof receipt for each (`audit_receipts`; null if maxWaitSeconds passed first).
    query: z.object({ receipt: z.enum(['wait']).optional() }),
    body: { required: true, content: { 'application/json': { schema: TransactionInput } } },
  },
  responses: {
    201: {
      description: 'Accepted and committed',
      content: { 'application/json': { schema: TransactionWithReceipts } },
    },
    200: {
      description: 'A replay of an earlier request with the same Idempotency-Key',
      content: { 'application/json': { schema: TransactionWithReceipts } },
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
    const status = result.replayed ? 200 : 201;
    if (c.req.valid('query').receipt !== 'wait') return c.json(result.view, status);
    const waitMs = ctx.config.maxWaitSeconds * 1000;
    const receipts = await awaitTransactionReceipts(ctx, by.tenantId, result.view.id, waitMs);
    return c.json({ ...result.view, audit_receipts: receipts }, status);
  });
  app.openapi(getTransactionRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'ingest', 'admin', 'reviewer', 'sme', 'lead', 'auditor');
    const view = await getTransaction(ctx, by, c.req.valid('param').id, c.req.valid('query').wait ?? 0);
    return c.json(view, 200);
  });
}
