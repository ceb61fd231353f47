import { AUDIT_INTEGRATOR_TASK, AUDIT_RETENTION_TASK } from '../audit/index.js';
import { judgeTask } from '../gates/index.js';
import { goldenTask } from '../golden/evaluate.js';
import { breachTask } from '../queue/clock/breach.js';
import { leaseExpiryTask } from '../queue/expiry.js';
import { queueUpkeepTask } from '../queue/upkeep.js';
import { sloAlertTask, sloRollupTask } from '../slo/index.js';
import { fireEscalationsTask, scheduleMissedCasesTask } from '../escalation/index.js';
import { deliverNotificationsTask } from '../notify/index.js';
import { pruneCounterHits } from '../routing/index.js';
import type { ScheduledTask } from './index.js';

/** Every domain's time-based work; each domain adds its tasks here. */
export const TASKS: readonly ScheduledTask[] = [
  AUDIT_INTEGRATOR_TASK,
  AUDIT_RETENTION_TASK,
  judgeTask,
  breachTask,
  leaseExpiryTask,
  queueUpkeepTask,
  sloRollupTask,
  sloAlertTask,
  goldenTask,
  fireEscalationsTask,
  scheduleMissedCasesTask,
  deliverNotificationsTask,
  pruneCounterHits,
];
