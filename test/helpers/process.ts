import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));

/** A Gatehouse server in a child process. */
export interface ChildServer {
  url: string;
  proc: ChildProcess;
  /** SIGKILL: no shutdown code runs, as in a crash. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `gatehouse start --json --port 0 …args` from source and waits for its URL. */
export async function spawnGatehouse(args: string[], env: Record<string, string> = {}): Promise<ChildServer> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', ENTRY, 'start', '--json', '--port', '0', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    proc.once('exit', (code) => reject(new Error(`gatehouse exited with ${code}: ${stderr.slice(-2000)}`)));
  });
  return {
    url,
    proc,
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Calls a server's API with a key; JSON in and out. */
export async function call(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
