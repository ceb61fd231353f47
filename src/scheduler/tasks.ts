import { pruneCounterHits } from '../routing/index.js';
import type { ScheduledTask } from './index.js';

/** Every domain's time-based work; each domain adds its tasks here. */
export const TASKS: readonly ScheduledTask[] = [pruneCounterHits];
