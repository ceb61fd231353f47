import { breachTask } from '../queue/breach.js';
import { leaseExpiryTask } from '../queue/expiry.js';
import type { ScheduledTask } from './index.js';

/** Every domain's time-based work; each domain adds its tasks here. */
export const TASKS: readonly ScheduledTask[] = [breachTask, leaseExpiryTask];
