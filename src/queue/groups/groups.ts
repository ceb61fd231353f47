import { appendAudit } from '../../audit/index.js';
import type { Ctx } from '../../ctx.js';
import { GatehouseError } from '../../errors.js';
import type { Principal } from '../../keys/index.js';
import { queueConfigOf } from '../config-of.js';

/** A group as the API shows it: the policy's settings and every member (policy-listed and API-added). */
export interface GroupView {
  name: string;
  level: number;
  skills: string[];
  max_claims_per_reviewer: number | null;
  backup: string | null;
  policy_members: string[];
  members: { key_id: string; skills: string[] }[];
}

/** Every group of the policy in force with its members in the caller's tenant. */
export async function listGroups(ctx: Ctx, by: Principal): Promise<GroupView[]> {
  const config = queueConfigOf(ctx.policy());
  const { rows } = await ctx.db.query<{ group_name: string; key_id: string; skills: string[] }>(
    `select group_name, key_id, skills from group_members where tenant_id = $1 order by group_name, key_id`,
    [by.tenantId],
  );
  return [...config.groups.values()].map((g) => ({
    name: g.name,
    level: g.level,
    skills: [...g.skills],
    max_claims_per_reviewer: g.max_claims_per_reviewer ?? null,
    backup: g.backup ?? null,
    policy_members: [...g.members],
    members: rows.filter((r) => r.group_name === g.name).map((r) => ({ key_id: r.key_id, skills: r.skills })),
  }));
}

/** Adds a key of the caller's tenant to a group of the policy (idempotent; updates skills), audited. */
export async function addGroupMember(
  ctx: Ctx,
  by: Principal,
  input: { group: string; keyId: string; skills: string[] },
): Promise<void> {
  requireKnownGroup(ctx, input.group);
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query(`select 1 from api_keys where tenant_id = $1 and id = $2`, [
      by.tenantId,
      input.keyId,
    ]);
    if (rows.length === 0) throw new GatehouseError('not_found', `no key ${input.keyId}`);
    await tx.query(
      `insert into group_members (tenant_id, group_name, key_id, skills, added_at) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, group_name, key_id) do update set skills = excluded.skills`,
      [by.tenantId, input.group, input.keyId, input.skills, now],
    );
    await appendAudit(tx, [
      { tenantId: by.tenantId, kind: 'group.member_added', actor: by.keyId, at: now, body: { ...input } },
    ]);
  });
}

/** Removes a key from a group (idempotent), audited. */
export async function removeGroupMember(
  ctx: Ctx,
  by: Principal,
  input: { group: string; keyId: string },
): Promise<void> {
  requireKnownGroup(ctx, input.group);
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    await tx.query(`delete from group_members where tenant_id = $1 and group_name = $2 and key_id = $3`, [
      by.tenantId,
      input.group,
      input.keyId,
    ]);
    await appendAudit(tx, [
      { tenantId: by.tenantId, kind: 'group.member_removed', actor: by.keyId, at: now, body: { ...input } },
    ]);
  });
}

function requireKnownGroup(ctx: Ctx, name: string): void {
  if (!queueConfigOf(ctx.policy()).groups.has(name)) {
    throw new GatehouseError('not_found', `the policy defines no group "${name}"`);
  }
}
