import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../../audit/index.js';
import type { Ctx } from '../../ctx.js';
import { GatehouseError } from '../../errors.js';
import type { Principal } from '../../keys/index.js';
import { DEFAULT_REVEAL_ROLES } from '../pii/index.js';
import { findVaultRow, insertVaultRows } from './queries.js';
import { seal, unseal, vaultKey } from './seal.js';

/** An original the `vault` operator took out of a text, waiting to be stored. */
export interface Vaulted {
  id: string;
  entity_type: string;
  value: string;
}

/** Collects vaulted originals during one gate run; `hook` is what `GateKeys.vault` takes. */
export interface VaultCollector {
  hook: (entity: string, value: string) => string;
  items: Vaulted[];
}

/** The token that stands in the text for a vaulted original: `<ENTITY_TYPE:vault:ID>`. */
export function vaultToken(entity: string, id: string): string {
  return `<${entity}:vault:${id}>`;
}

/** A collector that gives each original a new id (UUIDv7) and remembers it for `storeVaulted`. */
export function collectVaulted(): VaultCollector {
  const items: Vaulted[] = [];
  return {
    items,
    hook: (entity, value) => {
      const id = uuidv7();
      items.push({ id, entity_type: entity, value });
      return vaultToken(entity, id);
    },
  };
}

/**
 * Encrypts and stores the collected originals of one transaction, with one `pii.vaulted` audit
 * entry (ids and entity types, never values), in one database transaction. Does nothing for none.
 */
export async function storeVaulted(
  ctx: Ctx,
  by: Principal,
  transactionId: string,
  items: Vaulted[],
): Promise<void> {
  if (items.length === 0) return;
  const key = vaultKey(await ctx.tenantHashKey(by.tenantId));
  const at = ctx.clock();
  const rows = items.map((v) => ({
    tenant_id: by.tenantId,
    id: v.id,
    transaction_id: transactionId,
    entity_type: v.entity_type,
    sealed: seal(key, v.value, v.id),
    created_at: at.toISOString(),
  }));
  await ctx.db.transaction(async (tx) => {
    await insertVaultRows(tx, rows);
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'pii.vaulted',
        transactionId,
        actor: by.keyId,
        at,
        body: { items: items.map((v) => ({ id: v.id, entity_type: v.entity_type })) },
      },
    ]);
  });
}

/** A revealed original. */
export interface Revealed {
  id: string;
  entity_type: string;
  transaction_id: string | null;
  value: string;
}

/**
 * Reveals one vaulted original to a caller holding a role the policy's `gates.pii.reveal_roles`
 * names (default sme, admin), writing a `pii.revealed` audit entry in the same transaction.
 * `forbidden` without the role; `not_found` for an id of another tenant or none.
 */
export async function revealVaulted(
  ctx: Ctx,
  by: Principal,
  id: string,
  reason: string | null,
): Promise<Revealed> {
  const roles = ctx.policy().gates.pii?.reveal_roles ?? DEFAULT_REVEAL_ROLES;
  if (!by.roles.some((r) => roles.includes(r))) {
    throw new GatehouseError(
      'forbidden',
      `revealing a vaulted original needs one of the roles: ${roles.join(', ')}`,
    );
  }
  const key = vaultKey(await ctx.tenantHashKey(by.tenantId));
  return ctx.db.transaction(async (tx) => {
    const row = await findVaultRow(tx, by.tenantId, id);
    if (!row) throw new GatehouseError('not_found', `no vaulted value ${id}`);
    const value = unseal(key, row.sealed, row.id);
    await appendAudit(tx, [
      {
        tenantId: by.tenantId,
        kind: 'pii.revealed',
        transactionId: row.transaction_id,
        actor: by.keyId,
        at: ctx.clock(),
        body: { vault_id: row.id, entity_type: row.entity_type, reason },
      },
    ]);
    return { id: row.id, entity_type: row.entity_type, transaction_id: row.transaction_id, value };
  });
}
