import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { queueConfigOf } from './config-of.js';
import { lockCase } from './lease.js';
import { groupsOf, loadMember } from './groups/membership.js';
import { updateCase } from './queries.js';

/**
 * Assigns an open or claimed case to one person (an API key id of the case's group): only they may
 * claim it next; a claim by someone else ends. `keyId` null removes the assignment.
 */
export async function assignCase(
  ctx: Ctx,
  by: Principal,
  caseId: string,
  keyId: string | null,
): Promise<void> {
  const now = ctx.clock();
  const config = queueConfigOf(ctx.policy());
  await ctx.db.transaction(async (tx) => {
    const c = await lockCase(tx, by, caseId);
    if (c.status === 'closed' || c.status === 'paused') {
      throw new GatehouseError(
        'case_state',
        `case ${caseId} is ${c.status}; only open or claimed cases are assigned`,
      );
    }
    if (keyId !== null) {
      const { rows } = await tx.query<{ roles: Principal['roles'] }>(
        `select roles from api_keys where tenant_id = $1 and id = $2 and revoked_at is null`,
        [by.tenantId, keyId],
      );
      const roles = rows[0]?.roles;
      const member = roles && (await loadMember(tx, { keyId, tenantId: by.tenantId, roles }));
      if (!member || !groupsOf(config, member).some((g) => g.name === c.group_name)) {
        throw new GatehouseError(
          'invalid_request',
          `key ${keyId} is not a member of group "${c.group_name}"`,
          [{ pointer: '/key_id', detail: 'not a member of the case group' }],
        );
      }
    }
    const keep = c.status === 'claimed' && c.claimed_by === keyId;
    await updateCase(tx, by.tenantId, caseId, {
      assigned_to: keyId,
      ...(keep || c.status !== 'claimed'
        ? {}
        : { status: 'open', claimed_by: null, claimed_at: null, lease_expires_at: null }),
    });
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'case.assigned',
        transactionId: c.transaction_id,
        caseId,
        actor: by.keyId,
        at: now,
        body: { assigned_to: keyId },
      },
    ]);
  });
}
