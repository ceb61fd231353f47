import type { Queryable } from '../db/index.js';
import { buildFacts, counterLookups, countsFor, withCounters, type TransactionFacts } from './facts.js';
import { longestFoldWindow, placeTransaction, type Placement } from './placement.js';
import type { Policy } from './policy/policy.js';
import { loadRoutingHistory, NO_HISTORY, type CaseRouteRow, type CounterHitRow } from './state/queries.js';
import { route, type Route } from './route.js';

/** A routed transaction: the route, where it lands, and the routing rows to write with it. */
export interface RoutedTransaction {
  route: Route;
  placement: Placement;
  counterHits: CounterHitRow[];
  /** Call with the new case's id when `placement.openCase`; gives the case_routes row to write. */
  caseRoute(caseId: string | null): CaseRouteRow | null;
}

// A policy without counters, folds or safe patterns needs no look-up: it costs no round trip.
function needsHistory(policy: Policy): boolean {
  return (
    Object.keys(policy.counters ?? {}).length > 0 ||
    policy.rules.some((r) => r.then.fold !== undefined || r.then.safe_pattern?.enabled)
  );
}

/**
 * Routes one transaction: reads its counters, fold candidates and safe-pattern state in one
 * round trip (only when the policy uses them), applies the rules and places it.
 */
export async function routeTransaction(
  q: Queryable,
  policy: Policy,
  t: TransactionFacts & { tenantId: string; id: string },
  now: Date,
): Promise<RoutedTransaction> {
  const base = buildFacts(policy, t, now);
  const fingerprint = base.fingerprint as string;
  const lookups = counterLookups(policy, base, now);
  const history = needsHistory(policy)
    ? await loadRoutingHistory(
        q,
        t.tenantId,
        lookups,
        fingerprint,
        new Date(now.getTime() - longestFoldWindow(policy.rules) * 60_000),
      )
    : NO_HISTORY;
  const r = route(policy, withCounters(policy, base, history.counts));
  const placement = placeTransaction(r, history, t.id, now);
  const at = now.toISOString();
  const counterHits = lookups
    .filter((l) => countsFor(policy.counters![l.name]!.count, placement.verdict))
    .map((l) => ({ tenant_id: t.tenantId, counter: l.name, key: l.key, at }));
  return {
    route: r,
    placement,
    counterHits,
    caseRoute(caseId) {
      const id = placement.foldInto ?? caseId;
      if (!id) return null;
      return {
        tenant_id: t.tenantId,
        case_id: id,
        rule_id: r.rule,
        fingerprint,
        policy_version: policy.version,
        // A fold adds one repeat to the case it joins; a new case starts at one.
        fold_count: 1,
        opened_at: at,
        last_folded_at: placement.foldInto ? at : null,
      };
    },
  };
}
