import { createRoute, z } from '@hono/zod-openapi';
import type { Ctx } from '../../ctx.js';
import { BEARER, type App } from '../../http/env.js';
import { PROBLEM } from '../../http/schemas.js';
import { requireRole } from '../../keys/index.js';
import { addGroupMember, listGroups, removeGroupMember } from './groups.js';

const Group = z
  .object({
    name: z.string(),
    level: z.number().int(),
    skills: z.array(z.string()),
    max_claims_per_reviewer: z.number().int().nullable(),
    backup: z.string().nullable(),
    policy_members: z.array(z.string()),
    members: z.array(z.object({ key_id: z.string(), skills: z.array(z.string()) })),
  })
  .openapi('Group');

const MemberParams = z.object({ name: z.string(), keyId: z.string() });

const listRoute = createRoute({
  method: 'get',
  path: '/v1/groups',
  summary: 'Reviewer groups of the policy in force, with their members',
  security: BEARER,
  responses: {
    200: {
      description: 'The groups',
      content: { 'application/json': { schema: z.object({ groups: z.array(Group) }) } },
    },
    403: PROBLEM,
  },
});

const putRoute = createRoute({
  method: 'put',
  path: '/v1/groups/{name}/members/{keyId}',
  summary: 'Add an API key to a group (admin)',
  security: BEARER,
  request: {
    params: MemberParams,
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z.object({ skills: z.array(z.string().min(1)).max(50).optional() }).strict(),
        },
      },
    },
  },
  responses: { 204: { description: 'A member' }, 403: PROBLEM, 404: PROBLEM, 422: PROBLEM },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/groups/{name}/members/{keyId}',
  summary: 'Remove an API key from a group (admin)',
  security: BEARER,
  request: { params: MemberParams },
  responses: { 204: { description: 'Not a member' }, 403: PROBLEM, 404: PROBLEM },
});

/** Mounts groups: list, add and remove members. */
export function mountGroupRoutes(app: App, ctx: Ctx): void {
  app.openapi(listRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'admin', 'lead');
    return c.json({ groups: await listGroups(ctx, by) }, 200);
  });
  app.openapi(putRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'admin');
    const { name, keyId } = c.req.valid('param');
    const body = (c.req.header('content-type') ? c.req.valid('json') : undefined) ?? {};
    await addGroupMember(ctx, by, { group: name, keyId, skills: body.skills ?? [] });
    return c.body(null, 204);
  });
  app.openapi(deleteRoute, async (c) => {
    const by = c.get('principal');
    requireRole(by, 'admin');
    const { name, keyId } = c.req.valid('param');
    await removeGroupMember(ctx, by, { group: name, keyId });
    return c.body(null, 204);
  });
}
