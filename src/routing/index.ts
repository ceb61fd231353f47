export {
  activatePolicy,
  compilePolicySource,
  describeActivePolicies,
  listPolicyVersions,
  refreshActivePolicies,
  seedActivePolicies,
  type Activation,
  type ActivationInput,
} from './activation.js';
export { buildFacts, counterLookups, countsFor, withCounters, type TransactionFacts } from './facts.js';
export { fingerprintOf, inSample, promptTemplate } from './fingerprint.js';
export { recordCaseOutcome, type CaseOutcome } from './outcome.js';
export { pruneCounterHits } from './prune.js';
export { longestFoldWindow, placeTransaction, type Placement, type Verdict } from './placement.js';
export {
  loadPolicyFile,
  locatePolicyError,
  parsePolicy,
  readPolicyFile,
  type Policy,
  type Remediation,
  type RoutingAction,
} from './policy.js';
export { POLICY_CHANNEL, type PolicyRole } from './policy-queries.js';
export { policyJsonSchema } from './policy-schema.js';
export {
  insertCounterHitsSql,
  loadRoutingHistory,
  mergeCaseRoutes,
  NO_HISTORY,
  upsertCaseRoutesSql,
  type CaseRouteRow,
  type CounterHitRow,
  type RoutingHistory,
} from './queries.js';
export { routeTransaction, type RoutedTransaction } from './route-transaction.js';
export { route, slaOf, type Facts, type ResolvedSla, type Route } from './route.js';
