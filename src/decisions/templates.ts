import { v7 as uuidv7 } from 'uuid';
import { appendAudit } from '../audit/index.js';
import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';

/** A response or rejection template. */
export interface Template {
  id: string;
  kind: 'response' | 'rejection';
  name: string;
  body: string;
  reason: string | null;
}

/** A rejection reason of the tenant, on top of the policy's short list. */
export interface RejectionReason {
  code: string;
  label: string;
}

/** The tenant's live templates by name. */
export async function listTemplates(ctx: Ctx, by: Principal): Promise<Template[]> {
  const { rows } = await ctx.db.query<Template>(
    `select id, kind, name, body, reason from response_templates where tenant_id = $1 and archived_at is null order by name`,
    [by.tenantId],
  );
  return rows;
}

/** Creates a template (a live name is unique: `case_state` when taken), audited. */
export async function createTemplate(
  ctx: Ctx,
  by: Principal,
  input: Omit<Template, 'id'>,
): Promise<Template> {
  const now = ctx.clock();
  const t: Template = { id: uuidv7(), ...input };
  await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `insert into response_templates (tenant_id, id, kind, name, body, reason, created_at)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing returning id`,
      [by.tenantId, t.id, t.kind, t.name, t.body, t.reason, now],
    );
    if (rows.length === 0) {
      throw new GatehouseError('invalid_request', `a template named "${t.name}" exists`, [
        { pointer: '/name', detail: 'taken' },
      ]);
    }
    await appendAudit(tx, [
      { tenantId: by.tenantId, kind: 'template.created', actor: by.keyId, at: now, body: { ...t } },
    ]);
  });
  return t;
}

/** Archives a template: decisions that used it keep its id; new ones cannot. */
export async function archiveTemplate(ctx: Ctx, by: Principal, id: string): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query(
      `update response_templates set archived_at = $3 where tenant_id = $1 and id = $2 and archived_at is null returning id`,
      [by.tenantId, id, now],
    );
    if (rows.length === 0) throw new GatehouseError('not_found', `no template ${id}`);
    await appendAudit(tx, [
      { tenantId: by.tenantId, kind: 'template.archived', actor: by.keyId, at: now, body: { id } },
    ]);
  });
}

/** The tenant's live rejection reasons. */
export async function listRejectionReasons(ctx: Ctx, by: Principal): Promise<RejectionReason[]> {
  const { rows } = await ctx.db.query<RejectionReason>(
    `select code, label from rejection_reasons where tenant_id = $1 and archived_at is null order by code`,
    [by.tenantId],
  );
  return rows;
}

/** Adds or relabels a rejection reason (idempotent), audited. */
export async function putRejectionReason(ctx: Ctx, by: Principal, r: RejectionReason): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      `insert into rejection_reasons (tenant_id, code, label, created_at) values ($1, $2, $3, $4)
       on conflict (tenant_id, code) do update set label = excluded.label, archived_at = null`,
      [by.tenantId, r.code, r.label, now],
    );
    await appendAudit(tx, [
      { tenantId: by.tenantId, kind: 'rejection_reason.put', actor: by.keyId, at: now, body: { ...r } },
    ]);
  });
}
