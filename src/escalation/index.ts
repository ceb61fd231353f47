export {
  AUDIENCES,
  compileEscalation,
  ladderFor,
  STEP_ACTIONS,
  type Audience,
  type ChannelConfig,
  type EscalationPolicy,
  type GroupInfo,
  type LadderStep,
  type StepAction,
} from './config.js';
export { notifyTransactionDecided, onCaseDecided, type DecidedCase } from './decision-hook.js';
export { fireDueSteps, fireEscalationsTask, scheduleMissedCases, scheduleMissedCasesTask } from './fire.js';
export { planIntakeEscalation, writeIntakeEscalations, type IntakeEscalation } from './intake-hook.js';
export { planCaseSteps, REVIEW_TIME_LIMIT_STEP } from './ladder.js';
export { escalationPolicy } from './policy.js';
export { rescheduleCase, scheduleCaseEscalations, type OpenedCase } from './schedule.js';
export { onShift } from './shifts.js';
