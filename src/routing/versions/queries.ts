import type { Queryable } from '../../db/index.js';

/** The NOTIFY channel on which an activation is announced (payload: the version). */
export const POLICY_CHANNEL = 'gatehouse_policies';

// Any fixed number, the same in every process: serialises seeding the first version.
const SEED_LOCK = 7_246_005;

/** How a version is active: for every workflow without its own policy, or for its name's workflow. */
export type PolicyRole = 'primary' | 'workflow';

/** A stored policy version, when it was last activated, and the role it is active in now (or null). */
export interface PolicyVersionRow {
  version: string;
  name: string;
  created_by: string;
  created_at: Date;
  activated_at: Date | null;
  active_as: PolicyRole | null;
}

/** One active version: its role, name and source. */
export interface ActiveVersionRow {
  role: PolicyRole;
  version: string;
  name: string;
  source: string;
  activated_at: Date;
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

/** Makes a stored version active in `role` from now on. */
export async function insertActivation(
  q: Queryable,
  a: { version: string; role: PolicyRole; tenantId: string; by: string; at: Date },
): Promise<void> {
  await q.query(
    `insert into policy_activations (version, role, tenant_id, activated_by, activated_at)
     values ($1, $2, $3, $4, $5)`,
    [a.version, a.role, a.tenantId, a.by, a.at],
  );
}

// The latest activation per role — and per name for workflow policies.
const ACTIVE_SET = `select distinct on (a.role, case when a.role = 'workflow' then v.name end)
    a.role, a.version, v.name, v.source, a.activated_at
  from policy_activations a join policy_versions v on v.version = a.version
  order by a.role, case when a.role = 'workflow' then v.name end, a.seq desc`;

/** The active versions with their sources: the primary one (absent before the first) and workflow ones. */
export async function findActiveVersions(q: Queryable): Promise<ActiveVersionRow[]> {
  const { rows } = await q.query<ActiveVersionRow>(ACTIVE_SET);
  return rows;
}

/** A stored version's source, or undefined. */
export async function findVersionSource(q: Queryable, version: string): Promise<string | undefined> {
  const { rows } = await q.query<{ source: string }>(
    `select source from policy_versions where version = $1`,
    [version],
  );
  return rows[0]?.source;
}

/** Every stored version, newest first, with its latest activation and the role it is active in now. */
export async function listVersions(q: Queryable): Promise<PolicyVersionRow[]> {
  const { rows } = await q.query<PolicyVersionRow>(
    `with active as (${ACTIVE_SET})
     select v.version, v.name, v.created_by, v.created_at,
            (select max(a.activated_at) from policy_activations a where a.version = v.version) as activated_at,
            (select min(x.role) from active x where x.version = v.version) as active_as
     from policy_versions v order by v.created_at desc, v.version`,
  );
  return rows;
}
