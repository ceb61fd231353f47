import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { requireRole, type Principal } from '../keys/index.js';
import { eraseTransactions, listTransactionAudit } from './index.js';
import { encodeBase64 } from './formats/note.js';
import { buildReceipt, currentCheckpoint, getLeafEntry, proveConsistency, proveInclusion } from './proofs.js';
import { listLeaves } from './queries.js';
import { leafHash } from './formats/merkle.js';
import { auditVerifierKeys } from './signing-key.js';

// The auditor's view of the log (DESIGN "Contract"): the signed checkpoint, the verifier key,
// entries as the exact bytes hashed, RFC 9162 proofs in the JSON shapes generic verifiers read,
// and C2SP tlog-proof receipts. Reads need the `auditor` or `admin` role (the public key: any key).

const AuditEntry = z
  .object({
    seq: z.number().int(),
    leaf_index: z.number().int().nullable(),
    kind: z.string(),
    transaction_id: z.string().nullable(),
    case_id: z.string().nullable(),
    actor: z.string(),
    at: z.string(),
    body: z.record(z.string(), z.unknown()).nullable(),
    erased: z.boolean(),
  })
  .openapi('AuditEntry');

const LeafEntry = z
  .object({ index: z.number().int(), entry: z.string(), leaf_hash: z.string() })
  .openapi('AuditLeafEntry');

const InclusionProof = z
  .object({
    leaf_index: z.number().int(),
    tree_size: z.number().int(),
    leaf_hash: z.string(),
    root_hash: z.string(),
    proof: z.array(z.string()),
  })
  .openapi('InclusionProof');

const ConsistencyProof = z
  .object({
    size1: z.number().int(),
    size2: z.number().int(),
    root1: z.string(),
    root2: z.string(),
    proof: z.array(z.string()),
  })
  .openapi('ConsistencyProof');

/** A uint64 in decimal, as RFC 9162 sizes and indices are. */
const Uint64 = z.string().regex(/^(0|[1-9][0-9]{0,18})$/, 'a decimal integer ≥ 0');
const TEXT = (description: string) => ({ description, content: { 'text/plain': { schema: z.string() } } });
const JSON_OK = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});

const routes = {
  checkpoint: createRoute({
    method: 'get',
    path: '/v1/audit/checkpoint',
    summary: 'The newest signed checkpoint (C2SP tlog-checkpoint in a signed note)',
    security: BEARER,
    responses: { 200: TEXT('The signed note'), 403: PROBLEM, 409: PROBLEM },
  }),
  key: createRoute({
    method: 'get',
    path: '/v1/audit/key',
    summary: 'The verifier key(s) of the checkpoint signer, one C2SP vkey per line (any API key)',
    security: BEARER,
    responses: { 200: TEXT('The vkeys'), 401: PROBLEM },
  }),
  entry: createRoute({
    method: 'get',
    path: '/v1/audit/entries/{index}',
    summary: "One leaf of the log (the caller's tenant only): base64 of the exact bytes hashed",
    security: BEARER,
    request: { params: z.object({ index: Uint64 }) },
    responses: { 200: JSON_OK('The entry', LeafEntry), 403: PROBLEM, 404: PROBLEM },
  }),
  entries: createRoute({
    method: 'get',
    path: '/v1/audit/entries',
    summary: "The caller's tenant's leaves from index `since`, in order (for offline export)",
    security: BEARER,
    request: {
      query: z.object({
        since: Uint64.optional(),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
    },
    responses: {
      200: JSON_OK(
        'The entries and the size they were read below',
        z.object({ tree_size: z.number().int(), entries: z.array(LeafEntry) }),
      ),
      403: PROBLEM,
    },
  }),
  inclusion: createRoute({
    method: 'get',
    path: '/v1/audit/proofs/inclusion',
    summary: 'RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves (default: newest)',
    security: BEARER,
    request: { query: z.object({ index: Uint64, size: Uint64.optional() }) },
    responses: { 200: JSON_OK('The proof', InclusionProof), 403: PROBLEM, 409: PROBLEM, 422: PROBLEM },
  }),
  consistency: createRoute({
    method: 'get',
    path: '/v1/audit/proofs/consistency',
    summary: 'RFC 9162 consistency proof from tree size `from` to `to` (default: newest)',
    security: BEARER,
    request: { query: z.object({ from: Uint64, to: Uint64.optional() }) },
    responses: { 200: JSON_OK('The proof', ConsistencyProof), 403: PROBLEM, 409: PROBLEM, 422: PROBLEM },
  }),
  receipt: createRoute({
    method: 'get',
    path: '/v1/audit/receipts/{index}',
    summary: 'A C2SP tlog-proof receipt for leaf `index` against the newest checkpoint',
    security: BEARER,
    request: { params: z.object({ index: Uint64 }) },
    responses: { 200: TEXT('The receipt'), 403: PROBLEM, 409: PROBLEM },
  }),
  erasure: createRoute({
    method: 'post',
    path: '/v1/audit/erasures',
    summary: "Erase transactions' audit payloads (crypto-shredding); leaves and proofs stay valid",
    security: BEARER,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                transaction_ids: z.array(z.string().min(1)).min(1).max(1000),
                reason: z.string().min(1).max(1000),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      201: JSON_OK(
        'The transactions erased now (already erased ones are left out)',
        z.object({ transaction_ids: z.array(z.string()) }),
      ),
      403: PROBLEM,
      422: PROBLEM,
    },
  }),
  transaction: createRoute({
    method: 'get',
    path: '/v1/transactions/{id}/audit',
    summary: 'Every recorded step of one transaction, in order, payloads opened',
    security: BEARER,
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: JSON_OK('The entries', z.object({ entries: z.array(AuditEntry) })),
      403: PROBLEM,
      404: PROBLEM,
    },
  }),
};

const auditor = (by: Principal) => requireRole(by, 'auditor', 'admin');
const optional = (v: string | undefined) => (v === undefined ? undefined : BigInt(v));

/**
 * Mounts the audit log's reads under `/v1/audit` and `GET /v1/transactions/{id}/audit` (auditor,
 * admin), and `POST /v1/audit/erasures` (admin).
 */
export function mountAuditRoutes(app: App, ctx: Ctx): void {
  app.openapi(routes.checkpoint, async (c) => {
    auditor(c.get('principal'));
    return c.text((await currentCheckpoint(ctx.db)).note, 200);
  });
  // The verifier key is public by nature; any key may read it, so an ingest client can check the
  // receipts `POST /v1/transactions?receipt=wait` hands it.
  app.openapi(routes.key, (c) => c.text(auditVerifierKeys(ctx.config).join('\n') + '\n', 200));
  app.openapi(routes.entry, async (c) => {
    const by = c.get('principal');
    auditor(by);
    return c.json(await getLeafEntry(ctx.db, by.tenantId, BigInt(c.req.valid('param').index)), 200);
  });
  app.openapi(routes.entries, async (c) => {
    const by = c.get('principal');
    auditor(by);
    const q = c.req.valid('query');
    const head = await currentCheckpoint(ctx.db);
    const rows = await listLeaves(ctx.db, by.tenantId, optional(q.since) ?? 0n, head.size, q.limit ?? 1000);
    const entries = rows.map((r) => ({
      index: Number(r.index),
      entry: encodeBase64(r.leaf),
      leaf_hash: encodeBase64(leafHash(r.leaf)),
    }));
    return c.json({ tree_size: Number(head.size), entries }, 200);
  });
  app.openapi(routes.inclusion, async (c) => {
    auditor(c.get('principal'));
    const q = c.req.valid('query');
    return c.json(await proveInclusion(ctx.db, BigInt(q.index), optional(q.size)), 200);
  });
  app.openapi(routes.consistency, async (c) => {
    auditor(c.get('principal'));
    const q = c.req.valid('query');
    return c.json(await proveConsistency(ctx.db, BigInt(q.from), optional(q.to)), 200);
  });
  app.openapi(routes.receipt, async (c) => {
    auditor(c.get('principal'));
    return c.text(await buildReceipt(ctx.db, BigInt(c.req.valid('param').index)), 200);
  });
  app.openapi(routes.erasure, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'admin');
    const body = c.req.valid('json');
    const erased = await eraseTransactions(ctx, by, {
      transactionIds: body.transaction_ids,
      reason: body.reason,
    });
    return c.json(erased, 201);
  });
  app.openapi(routes.transaction, async (c) => {
    const by = c.get('principal');
    auditor(by);
    const id = c.req.valid('param').id;
    const entries = await listTransactionAudit(ctx.db, by.tenantId, id);
    if (entries.length === 0) throw new GatehouseError('not_found', `no transaction ${id}`);
    return c.json({ entries }, 200);
  });
}
