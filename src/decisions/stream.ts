import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { getTransaction, VERDICT_CHANNEL } from '../intake/index.js';
import { requireRole } from '../keys/index.js';

// Proxies drop a silent connection; a comment line this often keeps it open.
const KEEPALIVE_MS = 15_000;

const streamRoute = createRoute({
  method: 'get',
  path: '/v1/transactions/stream',
  summary:
    "Server-Sent Events: one `verdict` event (the transaction's view) each time a held transaction is decided",
  security: BEARER,
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    403: PROBLEM,
  },
});

/**
 * Mounts `GET /v1/transactions/stream` (SSE). Must mount before intake's `/v1/transactions/{id}`,
 * which would otherwise take `stream` for an id. Every process hears every decision through
 * LISTEN/NOTIFY, so a caller may connect to any of them.
 */
export function mountStreamRoutes(app: App, ctx: Ctx): void {
  app.openapi(streamRoute, (c) => {
    const by = c.get('principal');
    requireRole(by, 'ingest', 'admin');
    return streamSSE(c, async (stream) => {
      const decided: string[] = [];
      let wake: (() => void) | undefined;
      let open = true;
      const unlisten = await ctx.db.listen(VERDICT_CHANNEL, (payload) => {
        const at = payload.indexOf(':');
        if (payload.slice(0, at) !== by.tenantId) return;
        decided.push(payload.slice(at + 1));
        wake?.();
      });
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      try {
        await stream.writeSSE({ event: 'ready', data: '{}' });
        while (open) {
          if (decided.length === 0) {
            const timedOut = await new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => resolve(true), KEEPALIVE_MS);
              wake = () => {
                clearTimeout(timer);
                resolve(false);
              };
            });
            wake = undefined;
            if (timedOut) await stream.write(': keepalive\n\n');
            continue;
          }
          const id = decided.shift()!;
          const view = await getTransaction(ctx, by, id, 0);
          await stream.writeSSE({ event: 'verdict', id, data: JSON.stringify(view) });
        }
      } finally {
        await unlisten();
      }
    }) as never;
  });
}
