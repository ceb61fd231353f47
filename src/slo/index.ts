export {
  budgetConsumed,
  budgetRemaining,
  burnRate,
  errorBudget,
  parseTarget,
  type SloTarget,
} from './error-budget.js';
export {
  DEFAULT_ALERT_RULES,
  alertDedupKey,
  buildAlertTable,
  evaluateAlerts,
  fractionToDecimal,
  nextAlertState,
  type AlertEvaluation,
  type AlertRule,
  type AlertState,
  type AlertThreshold,
  type AlertTransition,
  type Fraction,
  type WindowCounts,
} from './alerts.js';
export {
  binomialCdf,
  binomialTest,
  criticalK,
  type BinomialTestInput,
  type BinomialTestResult,
} from './binomial.js';
export {
  calcBurnRate,
  calcQuality,
  type BurnRateFigures,
  type BurnRateInput,
  type QualityInput,
} from './calc.js';
export {
  DEFAULT_SLO_FILE,
  durationMinutes,
  loadSloFile,
  parseSloSet,
  type SloDefinition,
  type SloSet,
} from './definition.js';
export {
  evaluateAllAlerts,
  evaluateTenantAlerts,
  sloAlertTask,
  subDedupKey,
  type SloAlertEvent,
  type SloAlertSink,
} from './alerting.js';
export { rollUp, rollUpOnce, sloRollupTask } from './rollup.js';
export { computeSloReport, type SloReport, type SloStatus } from './status.js';
export type { SloRuntime } from './runtime.js';
