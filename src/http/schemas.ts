import { z } from '@hono/zod-openapi';

/** The OpenAPI response entry for an RFC 9457 problem. */
export const PROBLEM = {
  description: 'Problem details (RFC 9457)',
  content: { 'application/problem+json': { schema: z.object({}).passthrough().openapi('Problem') } },
};
