import { appendAudit } from '../audit/index.js';
import type { ActivePolicy, Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { locatePolicyError, parsePolicy, type Policy } from './policy.js';
import {
  findActiveVersion,
  findVersionSource,
  insertActivation,
  insertPolicyVersion,
  listVersions,
  lockPolicySeed,
  POLICY_CHANNEL,
  type PolicyVersionRow,
} from './policy-queries.js';

/** The tenant seeding is recorded under (the bootstrap admin's). */
const SYSTEM_TENANT = 'default';

/** Parses stored or sent YAML and runs every section compiler; throws `policy_invalid` located. */
export function compilePolicySource(
  compile: (doc: Policy) => ActivePolicy,
  source: string,
  file: string,
): ActivePolicy {
  const doc = parsePolicy(source, file);
  try {
    return compile(doc);
  } catch (err) {
    throw locatePolicyError(doc, err);
  }
}

/**
 * Makes the database's active policy this process's: on a store with no activation yet, stores and
 * activates `fromFile` (the configured file seeds the first version); otherwise the latest
 * activation wins. Returns the policy to use.
 */
export async function seedActivePolicy(ctx: Ctx, fromFile: ActivePolicy): Promise<ActivePolicy> {
  const active = await ctx.db.transaction(async (tx) => {
    await lockPolicySeed(tx);
    const found = await findActiveVersion(tx);
    if (found) return found;
    const at = ctx.clock();
    const { version, name, source } = fromFile.doc;
    const seed = { version, tenantId: SYSTEM_TENANT, by: 'system', at };
    await insertPolicyVersion(tx, { ...seed, name, source });
    await insertActivation(tx, seed);
    await appendAudit(tx, [
      {
        tenantId: SYSTEM_TENANT,
        kind: 'policy.activated',
        actor: 'system',
        at,
        body: { version, seeded: true },
      },
    ]);
    return undefined;
  });
  if (!active || active.version === fromFile.doc.version) return fromFile;
  if (fromFile.doc.file) {
    ctx.log.info('the configured policy file is not the active version; the database wins', {
      file: fromFile.doc.file,
      file_version: fromFile.doc.version,
      active: active.version,
    });
  }
  return compilePolicySource(ctx.policies.compile, active.source, active.version);
}

/** Follows the database's latest activation; cheap when this process already uses it. */
export async function refreshActivePolicy(ctx: Ctx): Promise<void> {
  const active = await findActiveVersion(ctx.db);
  if (!active || active.version === ctx.policy().doc.version) return;
  ctx.policies.use(compilePolicySource(ctx.policies.compile, active.source, active.version));
}

/** What to activate: new policy YAML, or a stored version (a rollback). */
export type ActivationInput = { yaml: string; version?: undefined } | { version: string; yaml?: undefined };

/** An activation's result. */
export interface Activation {
  version: string;
  name: string;
  previous: string;
  activated_at: string;
}

/**
 * Validates and activates a policy (admin), audited in the same transaction, and tells every
 * process through NOTIFY. New transactions route with it at once; cases keep the version they were
 * routed with. An invalid policy throws `policy_invalid` and the running one stays.
 */
export async function activatePolicy(ctx: Ctx, by: Principal, input: ActivationInput): Promise<Activation> {
  let source = input.yaml;
  if (source === undefined) {
    source = await findVersionSource(ctx.db, input.version!);
    if (source === undefined) throw new GatehouseError('not_found', `no policy version ${input.version}`);
  }
  const next = compilePolicySource(ctx.policies.compile, source, input.version ?? 'policy');
  const { version, name } = next.doc;
  const at = ctx.clock();
  const previous = await ctx.db.transaction(async (tx) => {
    const before = await findActiveVersion(tx);
    await insertPolicyVersion(tx, { version, name, source, tenantId: by.tenantId, by: by.keyId, at });
    await insertActivation(tx, { version, tenantId: by.tenantId, by: by.keyId, at });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'policy.activated',
        actor: by.keyId,
        at,
        body: { version, name, previous: before?.version ?? null, source },
      },
    ]);
    await tx.query('select pg_notify($1, $2)', [POLICY_CHANNEL, version]);
    return before?.version ?? null;
  });
  ctx.policies.use(next);
  return { version, name, previous: previous ?? '', activated_at: at.toISOString() };
}

/** The policy this process routes with: version, name, description and its YAML. */
export function describeActivePolicy(ctx: Ctx): {
  version: string;
  name: string;
  description: string | null;
  yaml: string;
} {
  const doc = ctx.policy().doc;
  return { version: doc.version, name: doc.name, description: doc.description ?? null, yaml: doc.source };
}

/** Every stored version, newest first, marking the active one. */
export async function listPolicyVersions(ctx: Ctx): Promise<PolicyVersionRow[]> {
  return listVersions(ctx.db);
}
