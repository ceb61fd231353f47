export { claimCases, claimNextCase, expireLeases, type CaseCard } from './claim.js';
export { compileQueue, defaultGroup, type Group, type QueueConfig } from './compile.js';
export { queueConfigOf } from './config-of.js';
export {
  CASE_COLUMNS,
  clockEventInsertCtes,
  openCase,
  type CaseRow,
  type ClockEventRow,
  type OpenCaseInput,
} from './open.js';
export { bothClocks, caseClock } from './clock/clock.js';
export { requireHeld } from './held.js';
export { lockCase } from './lease.js';
export { requireGroup } from './groups/membership.js';
export { insertClockEvents, type CaseState, type ClaimRequest } from './queries.js';
