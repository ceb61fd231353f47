import type { Queryable } from '../../db/index.js';
import { GatehouseError } from '../../errors.js';
import type { Principal, Role } from '../../keys/index.js';
import type { Group, QueueConfig } from '../compile.js';

/** Which level an open group's work needs from a role: L1 reviewers, L2 SMEs, L3 leads. */
const LEVEL_OF_ROLE: Partial<Record<Role, number>> = { reviewer: 1, sme: 2, lead: 3 };

/** Who a principal is for membership: key id, key name, roles, and the groups the API added them to. */
export interface Member {
  keyId: string;
  name: string | null;
  roles: readonly Role[];
  /** Groups the key was added to through the API, with the skills it was given there. */
  added: ReadonlyMap<string, readonly string[]>;
  /** Groups that have any member added through the API (so they are not open). */
  staffed: ReadonlySet<string>;
}

/**
 * The groups a member works. A group that lists members (in the policy or through the API) takes
 * only them; a group with none is open to every key whose role works its level. Pure.
 */
export function groupsOf(config: QueueConfig, m: Member): Group[] {
  const levels = new Set(m.roles.map((r) => LEVEL_OF_ROLE[r]).filter((l) => l !== undefined));
  return [...config.groups.values()].filter((g) => {
    if (g.members.includes(m.keyId) || (m.name !== null && g.members.includes(m.name))) return true;
    if (m.added.has(g.name)) return true;
    const open = g.members.length === 0 && !m.staffed.has(g.name);
    return open && levels.has(g.level);
  });
}

/** Loads what membership needs about a principal: its key name and API-added groups. */
export async function loadMember(q: Queryable, by: Principal): Promise<Member> {
  const { rows } = await q.query<{
    name: string | null;
    added: Record<string, string[]> | null;
    staffed: string[] | null;
  }>(
    `select (select name from api_keys where id = $2) as name,
            (select jsonb_object_agg(group_name, skills) from group_members where tenant_id = $1 and key_id = $2) as added,
            (select array_agg(distinct group_name) from group_members where tenant_id = $1) as staffed`,
    [by.tenantId, by.keyId],
  );
  const r = rows[0]!;
  return {
    keyId: by.keyId,
    name: r.name,
    roles: by.roles,
    added: new Map(Object.entries(r.added ?? {})),
    staffed: new Set(r.staffed ?? []),
  };
}

/** The principal's groups, each with the skills they have in it; throws `forbidden` when they work none. */
export async function principalGroups(
  q: Queryable,
  config: QueueConfig,
  by: Principal,
): Promise<(Group & { memberSkills: readonly string[] })[]> {
  const member = await loadMember(q, by);
  const groups = groupsOf(config, member);
  if (groups.length === 0) throw new GatehouseError('forbidden', 'you are a member of no review group');
  return groups.map((g) => ({ ...g, memberSkills: skillsIn(g, member) }));
}

/**
 * A member's skills in a group: the group's own (every member has them) and those the API gave the
 * member there. Pure.
 */
function skillsIn(group: Group, m: Member): readonly string[] {
  return [...new Set([...group.skills, ...(m.added.get(group.name) ?? [])])];
}

/** Throws `forbidden` unless the principal works `group` (least privilege: only your groups' cases). */
export async function requireGroup(
  q: Queryable,
  config: QueueConfig,
  by: Principal,
  group: string | null,
): Promise<void> {
  const mine = groupsOf(config, await loadMember(q, by));
  if (group === null || !mine.some((g) => g.name === group)) {
    throw new GatehouseError('forbidden', `this case belongs to group "${group}", which you do not work`);
  }
}
