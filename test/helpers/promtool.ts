import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// promtool comes from `.ci/install-promtool` (CI runs it before `npm test`), or $PROMTOOL. A missing
// promtool fails the tests that need it: CI must never skip the Prometheus checks silently.
const INSTALLED = fileURLToPath(new URL('../../.ci/tools/usr/bin/promtool', import.meta.url));

/** Runs promtool with `args` (and `input` on stdin); throws when promtool is not installed. */
export function promtool(args: string[], input?: string): { status: number | null; out: string } {
  const bin = process.env.PROMTOOL ?? INSTALLED;
  if (!existsSync(bin))
    throw new Error(`promtool not found at ${bin}: run .ci/install-promtool or set PROMTOOL`);
  const r = spawnSync(bin, args, { encoding: 'utf8', input });
  return { status: r.status, out: r.stdout + r.stderr };
}
