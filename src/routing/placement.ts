import { inSample } from './fingerprint.js';
import type { RoutingHistory } from './state/queries.js';
import type { Route } from './route.js';

/** The verdict a transaction gets. */
export type Verdict = 'released' | 'held' | 'blocked';

/**
 * Where a routed transaction lands: its verdict and action, whether a case opens for it, or the
 * open case it folds into, and why (`safe_pattern` when a learned pattern released it).
 */
export interface Placement {
  verdict: Verdict;
  /** The action as carried out: a review released by a safe pattern becomes `sample`. */
  action: Route['action'];
  openCase: boolean;
  foldInto: string | null;
  autoReleased: 'safe_pattern' | null;
}

/**
 * Decides where a routed transaction lands, given what storage remembers (pure):
 * - review: held; folded into an open case of the same rule and fingerprint opened within the
 *   rule's fold window, else a new case — unless the rule's safe pattern has `after` unchanged
 *   approvals, then released with a QA case for `sample_rate` of them;
 * - sample: released, with a QA case for `sample_rate` of them (stable per transaction id);
 * - block: blocked; a case opens for Level 2 and above (adjudication by an SME);
 * - release: released, no case.
 */
export function placeTransaction(
  r: Route,
  history: RoutingHistory,
  transactionId: string,
  now: Date,
): Placement {
  const none = { foldInto: null, autoReleased: null };
  if (r.action === 'release') return { verdict: 'released', action: 'release', openCase: false, ...none };
  if (r.action === 'block') return { verdict: 'blocked', action: 'block', openCase: r.level >= 2, ...none };
  if (r.action === 'sample') {
    const openCase = inSample(transactionId, r.sample_rate ?? 0);
    return { verdict: 'released', action: 'sample', openCase, ...none };
  }
  const sp = r.safe_pattern;
  if (sp?.enabled && r.rule && (history.approvals[r.rule] ?? 0) >= sp.after) {
    const openCase = inSample(transactionId, sp.sample_rate);
    return { verdict: 'released', action: 'sample', openCase, foldInto: null, autoReleased: 'safe_pattern' };
  }
  if (r.fold) {
    const since = now.getTime() - r.fold.window_minutes * 60_000;
    const into = history.folds.find((f) => f.rule_id === r.rule && new Date(f.opened_at).getTime() > since);
    if (into)
      return {
        verdict: 'held',
        action: 'review',
        openCase: false,
        foldInto: into.case_id,
        autoReleased: null,
      };
  }
  return { verdict: 'held', action: 'review', openCase: true, ...none };
}

/** The longest fold window of the policy's rules in minutes (0 when none), bounding the fold look-up. */
export function longestFoldWindow(rules: readonly { then: { fold?: { window_minutes: number } } }[]): number {
  return Math.max(0, ...rules.map((r) => r.then.fold?.window_minutes ?? 0));
}
