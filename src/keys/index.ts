import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import type { Queryable } from '../db/index.js';
import { GatehouseError } from '../errors.js';

/** What an API key may do; see DESIGN "Security model". */
export const ROLES = ['ingest', 'reviewer', 'sme', 'lead', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the key's id, its tenant and roles. */
export interface Principal {
  keyId: string;
  tenantId: string;
  roles: Role[];
}

// Any fixed number; the same in every process.
const BOOTSTRAP_LOCK = 7_246_002;

/** The tenant a fresh deployment starts with. */
export const DEFAULT_TENANT = 'default';

// API keys are 256 random bits, so one SHA-256 is enough: a slow password hash buys nothing
// against a secret that cannot be guessed, and it would cost a hash per request.
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Makes a new random API key; the `gh_` prefix lets secret scanners recognise it. */
export function generateKey(): string {
  return 'gh_' + randomBytes(32).toString('base64url');
}

/** Creates the tenant when missing, with its own PII hash key. */
export async function ensureTenant(q: Queryable, tenantId: string): Promise<void> {
  await q.query(
    `insert into tenants (id, name, pii_hash_key) values ($1, $1, $2) on conflict (id) do nothing`,
    [tenantId, randomBytes(32).toString('hex')],
  );
}

/** Stores a key's hash with its roles, audited, inside the caller's transaction; returns the key's id. */
async function insertKey(
  tx: Queryable,
  at: Date,
  input: { key: string; tenantId: string; roles: Role[]; name?: string; actor: string },
): Promise<string> {
  const id = randomUUID();
  await ensureTenant(tx, input.tenantId);
  await tx.query(
    `insert into api_keys (id, tenant_id, key_hash, roles, name, created_at) values ($1, $2, $3, $4, $5, $6)`,
    [id, input.tenantId, hashKey(input.key), input.roles, input.name ?? null, at],
  );
  await appendAudit(tx, [
    {
      tenantId: input.tenantId,
      kind: 'key.created',
      actor: input.actor,
      at,
      body: { key_id: id, roles: input.roles, name: input.name ?? null },
    },
  ]);
  return id;
}

/** Creates an API key with `roles` in `tenantId` (created when missing); the key is shown only here. */
export async function createKey(
  ctx: Ctx,
  by: Principal,
  input: { roles: Role[]; tenant?: string; name?: string },
): Promise<{ id: string; key: string; tenant: string; roles: Role[] }> {
  const key = generateKey();
  const tenant = input.tenant ?? by.tenantId;
  const id = await ctx.db.transaction((tx) =>
    insertKey(tx, ctx.clock(), {
      key,
      tenantId: tenant,
      roles: input.roles,
      name: input.name,
      actor: by.keyId,
    }),
  );
  return { id, key, tenant, roles: input.roles };
}

/** Finds the live key behind a bearer token, or throws `unauthorized`. */
export async function authenticate(q: Queryable, token: string | undefined): Promise<Principal> {
  if (!token) throw new GatehouseError('unauthorized', 'send the API key as "Authorization: Bearer <key>"');
  const { rows } = await q.query<{ id: string; tenant_id: string; roles: Role[] }>(
    `select id, tenant_id, roles from api_keys where key_hash = $1 and revoked_at is null`,
    [hashKey(token)],
  );
  const row = rows[0];
  if (!row) throw new GatehouseError('unauthorized', 'the API key is unknown or revoked');
  return { keyId: row.id, tenantId: row.tenant_id, roles: row.roles };
}

/** Throws `forbidden` unless the principal holds one of `roles`. */
export function requireRole(p: Principal, ...roles: Role[]): void {
  if (!roles.some((r) => p.roles.includes(r))) {
    throw new GatehouseError('forbidden', `this needs one of the roles: ${roles.join(', ')}`);
  }
}

/**
 * Makes sure an admin key exists on first start: `GATEHOUSE_ADMIN_KEY` when set, otherwise a
 * random one written to `<dataDir>/admin.key` (0600). Returns the new key only when generated.
 */
export async function bootstrapAdmin(ctx: Ctx): Promise<{ generated?: string; keyFile?: string }> {
  const given = ctx.config.adminKey;
  const generated = await ctx.db.transaction(async (tx) => {
    // Processes starting together on one server take turns, so only one admin key is made.
    await tx.query('select pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
    const bootstrap = {
      tenantId: DEFAULT_TENANT,
      roles: ['admin'] as Role[],
      name: 'bootstrap',
      actor: 'system',
    };
    if (given) {
      const { rows } = await tx.query(`select 1 from api_keys where key_hash = $1`, [hashKey(given)]);
      if (rows.length === 0) await insertKey(tx, ctx.clock(), { ...bootstrap, key: given });
      return undefined;
    }
    const { rows } = await tx.query(
      `select 1 from api_keys where 'admin' = any(roles) and revoked_at is null limit 1`,
    );
    if (rows.length > 0) return undefined;
    const key = generateKey();
    await insertKey(tx, ctx.clock(), { ...bootstrap, key });
    return key;
  });
  if (!generated) return {};
  mkdirSync(ctx.config.dataDir, { recursive: true });
  const keyFile = join(ctx.config.dataDir, 'admin.key');
  writeFileSync(keyFile, generated + '\n', { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return { generated, keyFile };
}
