export { loadPolicyFile, parsePolicy, type Policy, type RoutingAction } from './policy.js';
export { route, type Facts, type Route } from './route.js';
