import type { Logger } from '../ctx.js';
import type { SloAlertSink } from './alerting.js';
import { loadSloFile, type SloSet } from './definition.js';

/** What `ctx.slo` holds: the SLO file in force and the alert sink. */
export interface SloRuntime {
  set: SloSet;
  /** Called once per alert fire and resolve, inside the transaction storing it (default: a log line). */
  notify: SloAlertSink;
}

/** Loads the SLO file (throws `slo_invalid` at start-up) with the logging sink. */
export function createSloRuntime(file: string, log: Logger): SloRuntime {
  return { set: loadSloFile(file), notify: async (_tx, event) => log.info('slo alert', { ...event }) };
}
