import { goldenTask } from '../golden/evaluate.js';
import { sloAlertTask, sloRollupTask } from '../slo/index.js';
import type { ScheduledTask } from './index.js';

/** Every domain's time-based work; each domain adds its tasks here. */
export const TASKS: readonly ScheduledTask[] = [sloRollupTask, sloAlertTask, goldenTask];
