import type { Ctx } from '../ctx.js';
import { GatehouseError } from '../errors.js';
import type { Principal } from '../keys/index.js';
import { findIncident, listIncidentLinks, listIncidents } from './queries.js';
import { presentIncident, type IncidentView } from './view.js';

/** The caller's tenant's incidents, newest first, optionally in one status. */
export async function listIncidentsFor(
  ctx: Ctx,
  by: Principal,
  opts: { status?: string; limit: number },
): Promise<IncidentView[]> {
  return (await listIncidents(ctx.db, by.tenantId, opts)).map(presentIncident);
}

/** One incident with its linked cases and transactions; `not_found` in another tenant. */
export async function getIncident(
  ctx: Ctx,
  by: Principal,
  id: string,
): Promise<IncidentView & { links: { subject: string; subject_id: string; linked_at: string }[] }> {
  const row = await findIncident(ctx.db, by.tenantId, id);
  if (!row) throw new GatehouseError('not_found', `no incident ${id}`);
  const links = await listIncidentLinks(ctx.db, by.tenantId, id);
  return {
    ...presentIncident(row),
    links: links.map((l) => ({ ...l, linked_at: new Date(l.linked_at).toISOString() })),
  };
}
