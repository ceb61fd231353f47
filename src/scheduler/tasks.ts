import { fireEscalationsTask, scheduleMissedCasesTask } from '../escalation/index.js';
import { deliverNotificationsTask } from '../notify/index.js';
import type { ScheduledTask } from './index.js';

/** Every domain's time-based work; each domain adds its tasks here. */
export const TASKS: readonly ScheduledTask[] = [
  fireEscalationsTask,
  scheduleMissedCasesTask,
  deliverNotificationsTask,
];
