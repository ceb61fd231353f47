import type { Logger } from '../ctx.js';
import { enqueueNotification } from '../notify/index.js';
import type { SloAlertSink } from './alerting.js';
import { loadSloFile, type SloSet } from './definition.js';

/** What `ctx.slo` holds: the SLO file in force and the alert sink. */
export interface SloRuntime {
  set: SloSet;
  /** Called once per alert fire and resolve, inside the transaction storing it. */
  notify: SloAlertSink;
}

/**
 * Loads the SLO file (throws `slo_invalid` at start-up). Each fire and resolve is logged and goes
 * into the notification outbox, to the channels `channels()` names at that moment (the policy's
 * ML-ops audience), in the same transaction as the alert's state; the alert's dedup key rides in
 * the payload so PagerDuty folds a resolve into its trigger.
 */
export function createSloRuntime(file: string, log: Logger, channels: () => string[] = () => []): SloRuntime {
  return {
    set: loadSloFile(file),
    notify: async (tx, event) => {
      log.info('slo alert', { ...event });
      await enqueueNotification(tx, {
        tenantId: event.tenant_id,
        channels: channels(),
        type: event.state === 'firing' ? 'slo.alert.firing' : 'slo.alert.resolved',
        orderKey: `slo:${event.dedup_key}`,
        at: new Date(event.at),
        data: { ...event },
      });
    },
  };
}
