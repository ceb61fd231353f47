import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { Ctx } from '../ctx.js';
import { BEARER, type App } from '../http/env.js';
import { PROBLEM } from '../http/schemas.js';
import { getTransaction, VERDICT_CHANNEL } from '../intake/index.js';
import { requireRole } from '../keys/index.js';

// Proxies drop a silent connection; a comment line this often keeps it open.
const KEEPALIVE_MS = 15_000;
// Decisions commit in their own order, so one stamped just before a client's last event may become
// visible just after it: a resume replays from this far before, and a client dedupes by id.
const REPLAY_OVERLAP_MS = 5_000;
const REPLAY_LIMIT = 1_000;

const streamRoute = createRoute({
  method: 'get',
  path: '/v1/transactions/stream',
  summary:
    "Server-Sent Events: one `verdict` event (the transaction's view) each time a held transaction is decided",
  description:
    'Each event id is `<decided_at in ms>:<transaction id>`. A client that reconnects with `Last-Event-ID` (browsers do it themselves) first gets the verdicts decided since then (from 5 s before it, at most 1,000, oldest first; a verdict may come twice), then the live ones.',
  security: BEARER,
  request: {
    headers: z.object({
      'last-event-id': z
        .string()
        .regex(/^\d{1,15}:.+$/, 'expected <decided_at in ms>:<transaction id>, as this stream sent it')
        .optional(),
    }),
  },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    403: PROBLEM,
    422: PROBLEM,
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
    const last = c.req.valid('header')['last-event-id'];
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
        // Listening already, so nothing decided from here on is missed; what the replay sends, the
        // live queue skips.
        const replayed = new Set<string>();
        if (last !== undefined) {
          const since = new Date(Number(last.slice(0, last.indexOf(':'))) - REPLAY_OVERLAP_MS);
          for (const id of await decidedSince(ctx, by.tenantId, since)) {
            if (!open) break;
            replayed.add(id);
            await send(id);
          }
        }
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
          if (!replayed.has(id)) await send(id);
        }
      } finally {
        await unlisten();
      }

      async function send(id: string): Promise<void> {
        const view = await getTransaction(ctx, by, id, 0);
        const at = view.decided_at === null ? 0 : Date.parse(view.decided_at);
        await stream.writeSSE({ event: 'verdict', id: `${at}:${id}`, data: JSON.stringify(view) });
      }
    }) as never;
  });
}

/** Held transactions of the tenant decided at or after `since`, oldest first (at most REPLAY_LIMIT). */
async function decidedSince(ctx: Ctx, tenantId: string, since: Date): Promise<string[]> {
  const { rows } = await ctx.db.query<{ id: string }>(
    `select id from transactions
     where tenant_id = $1 and action = 'review' and decided_at >= $2
     order by decided_at, id limit ${REPLAY_LIMIT}`,
    [tenantId, since],
  );
  return rows.map((r) => r.id);
}
