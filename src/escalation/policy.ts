import type { Ctx } from '../ctx.js';
import { compileEscalation, type EscalationPolicy } from './config.js';

let defaults: EscalationPolicy | undefined;

/** The escalation policy in force: the active policy's, or the seed defaults when it has none. */
export function escalationPolicy(ctx: Pick<Ctx, 'policy'>): EscalationPolicy {
  return ctx.policy().escalation ?? (defaults ??= compileEscalation({}));
}
