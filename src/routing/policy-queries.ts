import type { Queryable } from '../db/index.js';

/** The NOTIFY channel on which an activation is announced (payload: the version). */
export const POLICY_CHANNEL = 'gatehouse_policies';

// Any fixed number, the same in every process: serialises seeding the first version.
const SEED_LOCK = 7_246_005;

/** A stored policy version and when it was last activated. */
export interface PolicyVersionRow {
  version: string;
  name: string;
  created_by: string;
  created_at: Date;
  activated_at: Date | null;
  active: boolean;
}

/** Takes the transaction-scoped lock that serialises seeding across processes. */
export async function lockPolicySeed(q: Queryable): Promise<void> {
  await q.query('select pg_advisory_xact_lock($1)', [SEED_LOCK]);
}

/** Stores a version's source once; storing the same version again changes nothing. */
export async function insertPolicyVersion(
  q: Queryable,
  v: { version: string; name: string; source: string; tenantId: string; by: string; at: Date },
): Promise<void> {
  await q.query(
    `insert into policy_versions (version, name, source, tenant_id, created_by, created_at)
     values ($1, $2, $3, $4, $5, $6) on conflict (version) do nothing`,
    [v.version, v.name, v.source, v.tenantId, v.by, v.at],
  );
}

/** Makes a stored version the active one from now on. */
export async function insertActivation(
  q: Queryable,
  a: { version: string; tenantId: string; by: string; at: Date },
): Promise<void> {
  await q.query(
    `insert into policy_activations (version, tenant_id, activated_by, activated_at) values ($1, $2, $3, $4)`,
    [a.version, a.tenantId, a.by, a.at],
  );
}

/** The active version (latest activation) with its source, or undefined before the first. */
export async function findActiveVersion(
  q: Queryable,
): Promise<{ version: string; source: string; activated_at: Date } | undefined> {
  const { rows } = await q.query<{ version: string; source: string; activated_at: Date }>(
    `select a.version, v.source, a.activated_at from policy_activations a
     join policy_versions v on v.version = a.version order by a.seq desc limit 1`,
  );
  return rows[0];
}

/** A stored version's source, or undefined. */
export async function findVersionSource(q: Queryable, version: string): Promise<string | undefined> {
  const { rows } = await q.query<{ source: string }>(
    `select source from policy_versions where version = $1`,
    [version],
  );
  return rows[0]?.source;
}

/** Every stored version, newest first, with its latest activation and whether it is active now. */
export async function listVersions(q: Queryable): Promise<PolicyVersionRow[]> {
  const { rows } = await q.query<PolicyVersionRow>(
    `with latest as (select version from policy_activations order by seq desc limit 1)
     select v.version, v.name, v.created_by, v.created_at,
            (select max(a.activated_at) from policy_activations a where a.version = v.version) as activated_at,
            v.version in (select version from latest) as active
     from policy_versions v order by v.created_at desc, v.version`,
  );
  return rows;
}
