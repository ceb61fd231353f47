import { parse } from 'yaml';
import { compileQueue } from '../../src/queue/index.js';
import type { Policy } from '../../src/routing/index.js';
import type { TestServer } from './server.js';

/**
 * Puts a policy with queue sections (groups, checklists, calendars, rule `group`/`checklist`, class
 * `reviewers`/`on_breach`) in force on a running test server. The shipped policy parser does not
 * know these sections until the policy issue (#5) lands, so the doc is built from the YAML as is.
 */
export function usePolicy(s: TestServer, yamlText: string): void {
  const raw = parse(yamlText) as Record<string, unknown>;
  const base = s.ctx.policy();
  const doc = {
    ...base.doc,
    default: { risk_class: 'low', reason: null, action: 'release', level: 1 },
    on_error: { risk_class: 'medium', reason: 'incomplete_data', action: 'review', level: 1 },
    ...raw,
    version: `${String(raw.name)}@test`,
  } as unknown as Policy;
  for (const rule of doc.rules) rule.then = Object.assign({ level: 1, reason: null }, rule.then);
  const active = { doc, gates: base.gates, queue: compileQueue(doc) };
  s.ctx.policy = () => active;
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
