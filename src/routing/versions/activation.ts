import { appendAudit } from '../../audit/index.js';
import type { ActivePolicy, ActivePolicySet, Ctx } from '../../ctx.js';
import { GatehouseError } from '../../errors.js';
import type { Principal } from '../../keys/index.js';
import { locatePolicyError, parsePolicy, type Policy } from '../policy/policy.js';
import {
  findActiveVersions,
  findVersionSource,
  insertActivation,
  insertPolicyVersion,
  listVersions,
  lockPolicySeed,
  POLICY_CHANNEL,
  type ActiveVersionRow,
  type PolicyRole,
  type PolicyVersionRow,
} from './queries.js';

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
 * Builds the set in force from the active versions, reusing what this process already compiled
 * (`known`, by version) so an unchanged policy is not compiled again.
 */
function toSet(ctx: Ctx, rows: ActiveVersionRow[], known: Map<string, ActivePolicy>, fallback: ActivePolicy) {
  const compiled = (r: ActiveVersionRow) =>
    known.get(r.version) ?? compilePolicySource(ctx.policies.compile, r.source, r.version);
  const primaryRow = rows.find((r) => r.role === 'primary');
  const workflows = new Map<string, ActivePolicy>();
  for (const r of rows) if (r.role === 'workflow') workflows.set(r.name, compiled(r));
  return { primary: primaryRow ? compiled(primaryRow) : fallback, workflows };
}

function knownPolicies(set: ActivePolicySet, ...more: ActivePolicy[]): Map<string, ActivePolicy> {
  const all = [set.primary, ...set.workflows.values(), ...more];
  return new Map(all.map((p) => [p.doc.version, p]));
}

/**
 * Makes the database's active policies this process's: on a store with no primary activation yet,
 * stores and activates `fromFile` as primary (the configured file seeds the first version);
 * otherwise the database wins over the file.
 */
export async function seedActivePolicies(ctx: Ctx, fromFile: ActivePolicy): Promise<ActivePolicySet> {
  const rows = await ctx.db.transaction(async (tx) => {
    await lockPolicySeed(tx);
    const found = await findActiveVersions(tx);
    if (found.some((r) => r.role === 'primary')) return found;
    const at = ctx.clock();
    const { version, name, source } = fromFile.doc;
    const seed = { version, role: 'primary' as const, tenantId: SYSTEM_TENANT, by: 'system', at };
    await insertPolicyVersion(tx, { ...seed, name, source });
    await insertActivation(tx, seed);
    await appendAudit(tx, [
      {
        tenantId: SYSTEM_TENANT,
        kind: 'policy.activated',
        actor: 'system',
        at,
        body: { version, role: 'primary', seeded: true },
      },
    ]);
    return findActiveVersions(tx);
  });
  const set = toSet(ctx, rows, new Map([[fromFile.doc.version, fromFile]]), fromFile);
  if (set.primary !== fromFile) {
    ctx.log.info('the configured policy file is not the active primary version; the database wins', {
      file: fromFile.doc.file,
      file_version: fromFile.doc.version,
      active: set.primary.doc.version,
    });
  }
  return set;
}

/** Follows the database's latest activations; compiles only versions this process does not use yet. */
export async function refreshActivePolicies(ctx: Ctx, ...compiled: ActivePolicy[]): Promise<void> {
  const current = ctx.policies.current();
  const rows = await findActiveVersions(ctx.db);
  ctx.policies.use(toSet(ctx, rows, knownPolicies(current, ...compiled), current.primary));
}

/**
 * What to activate: new policy YAML, or a stored version (a rollback); `as` (default `primary`)
 * says whether it routes every workflow without its own policy, or only transactions whose
 * `workflow` is the policy's name.
 */
export type ActivationInput = (
  { yaml: string; version?: undefined } | { version: string; yaml?: undefined }
) & {
  as?: PolicyRole;
};

/** An activation's result. */
export interface Activation {
  version: string;
  name: string;
  role: PolicyRole;
  previous: string | null;
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
  const role = input.as ?? 'primary';
  const at = ctx.clock();
  const previous = await ctx.db.transaction(async (tx) => {
    const before = (await findActiveVersions(tx)).find(
      (r) => r.role === role && (role === 'primary' || r.name === name),
    );
    await insertPolicyVersion(tx, { version, name, source, tenantId: by.tenantId, by: by.keyId, at });
    await insertActivation(tx, { version, role, tenantId: by.tenantId, by: by.keyId, at });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'policy.activated',
        actor: by.keyId,
        at,
        body: { version, name, role, previous: before?.version ?? null, source },
      },
    ]);
    await tx.query('select pg_notify($1, $2)', [POLICY_CHANNEL, version]);
    return before?.version ?? null;
  });
  await refreshActivePolicies(ctx, next);
  return { version, name, role, previous, activated_at: at.toISOString() };
}

/** A policy in force as the API shows it. */
export interface PolicyView {
  version: string;
  name: string;
  description: string | null;
  yaml: string;
}

function view(p: ActivePolicy): PolicyView {
  const doc = p.doc;
  return { version: doc.version, name: doc.name, description: doc.description ?? null, yaml: doc.source };
}

/** The policies this process routes with: the primary one, and each workflow's own. */
export function describeActivePolicies(ctx: Ctx): PolicyView & { workflows: PolicyView[] } {
  const set = ctx.policies.current();
  return { ...view(set.primary), workflows: [...set.workflows.values()].map(view) };
}

/** Every stored version, newest first, marking the role each active one has. */
export async function listPolicyVersions(ctx: Ctx): Promise<PolicyVersionRow[]> {
  return listVersions(ctx.db);
}
