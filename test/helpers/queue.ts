import { parsePolicy } from '../../src/routing/index.js';
import type { TestServer } from './server.js';

/**
 * Puts a policy with queue sections (groups, checklists, calendars, rule `group`/`checklist`, class
 * `reviewers`/`on_breach`) in force on a running test server, through the same parser and section
 * compilers an activation uses.
 */
export function usePolicy(s: TestServer, yamlText: string): void {
  const primary = s.ctx.policies.compile(parsePolicy(yamlText, 'queue-policy.yaml'));
  s.ctx.policies.use({ ...s.ctx.policies.current(), primary });
}

/** A settable fake clock for `startTestServer(…, { clock })`. */
export function fakeClock(start: string): {
  now: () => Date;
  set(iso: string): void;
  advance(ms: number): void;
} {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (iso) => void (t = new Date(iso).getTime()),
    advance: (ms) => void (t += ms),
  };
}
