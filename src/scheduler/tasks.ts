import { AUDIT_INTEGRATOR_TASK, AUDIT_RETENTION_TASK } from '../audit/index.js';
import type { ScheduledTask } from './index.js';

/** Every domain's time-based work; each domain adds its tasks here. */
export const TASKS: readonly ScheduledTask[] = [AUDIT_INTEGRATOR_TASK, AUDIT_RETENTION_TASK];
