import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole } from '../keys/index.js';
import { listTransactionAudit } from './index.js';

const AuditEntry = z
  .object({
    seq: z.number().int(),
    kind: z.string(),
    transaction_id: z.string().nullable(),
    case_id: z.string().nullable(),
    actor: z.string(),
    at: z.string(),
    body: z.record(z.string(), z.unknown()),
  })
  .openapi('AuditEntry');

const transactionAudit = createRoute({
  method: 'get',
  path: '/v1/transactions/{id}/audit',
  summary: 'Every recorded step of one transaction, in order',
  security: BEARER,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: {
      description: 'The entries',
      content: { 'application/json': { schema: z.object({ entries: z.array(AuditEntry) }) } },
    },
    403: PROBLEM,
    404: PROBLEM,
  },
});

/** Mounts audit reads: `GET /v1/transactions/{id}/audit` (auditor, admin). */
export function mountAuditRoutes(app: App, ctx: Ctx): void {
  app.openapi(transactionAudit, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'auditor', 'admin');
    const id = c.req.valid('param').id;
    const entries = await listTransactionAudit(ctx.db, by.tenantId, id);
    if (entries.length === 0) throw new GatehouseError('not_found', `no transaction ${id}`);
    return c.json({ entries }, 200);
  });
}
