import { join } from 'node:path';
import { resolveConfig } from '../../src/config.js';
import { silentLogger } from '../../src/ctx.js';
import { startServer, type RunningServer, type StartOptions } from '../../src/server.js';
import { freshStore, type TestStore } from './store.js';

/** The admin key every test server starts with. */
export const ADMIN_KEY = 'gh_test_admin_key_0123456789abcdefghijklmnop';

/** A server on a fresh store, on a free port, with a known admin key. */
export interface TestServer extends RunningServer {
  store: TestStore;
  /** Calls the API with a key; JSON bodies in and out. */
  api(
    method: string,
    path: string,
    opts?: { key?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Creates a key with these roles and returns it. */
  key(...roles: string[]): Promise<string>;
  stop(): Promise<void>;
}

/** Starts Gatehouse in this process for a test; `stop` closes it and drops the store. */
export async function startTestServer(
  overrides: Record<string, unknown> = {},
  opts: StartOptions = {},
): Promise<TestServer> {
  const store = await freshStore();
  const config = resolveConfig(
    {
      port: 0,
      dataDir: join(store.dataDir, 'db'),
      databaseUrl: store.databaseUrl,
      adminKey: ADMIN_KEY,
      ...overrides,
    },
    {},
  );
  const server = await startServer(config, silentLogger, opts);
  const api: TestServer['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key !== '') headers.authorization = `Bearer ${opts.key ?? ADMIN_KEY}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await fetch(server.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the test sees the text.
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    ...server,
    store,
    api,
    async key(...roles) {
      const res = await api('POST', '/v1/keys', { body: { roles } });
      if (res.status !== 201) throw new Error(`key creation failed: ${JSON.stringify(res.body)}`);
      return res.body.key as string;
    },
    async stop() {
      await server.close();
      await store.drop();
    },
  };
}
