export {
  activatePolicy,
  compilePolicySource,
  describeActivePolicies,
  listPolicyVersions,
  refreshActivePolicies,
  seedActivePolicies,
  type Activation,
  type ActivationInput,
} from './versions/activation.js';
export { buildFacts, counterLookups, countsFor, withCounters, type TransactionFacts } from './facts.js';
export { fingerprintOf, inSample, promptTemplate } from './fingerprint.js';
export { diffPolicies, formatPolicyDiff, type PolicyChange, type PolicyDiff } from './policy/diff.js';
export { recordCaseOutcome, type CaseOutcome } from './state/outcome.js';
export { pruneCounterHits } from './state/prune.js';
export { longestFoldWindow, placeTransaction, type Placement, type Verdict } from './placement.js';
export {
  loadPolicyFile,
  locatePolicyError,
  parsePolicy,
  readPolicyFile,
  type Policy,
  type Remediation,
  type RoutingAction,
} from './policy/policy.js';
export { POLICY_CHANNEL, type PolicyRole } from './versions/queries.js';
export { policyJsonSchema } from './policy/schema.js';
export {
  insertCounterHitsSql,
  loadRoutingHistory,
  mergeCaseRoutes,
  NO_HISTORY,
  upsertCaseRoutesSql,
  type CaseRouteRow,
  type CounterHitRow,
  type RoutingHistory,
} from './state/queries.js';
export { routeTransaction, type RoutedTransaction } from './route-transaction.js';
export { route, slaOf, type Facts, type ResolvedSla, type Route } from './route.js';
