import { GatehouseError, type FieldError } from '../errors.js';

/** The decision a reviewer sends. */
export interface DecisionInput {
  caseId: string;
  action: 'approve' | 'edit' | 'reject' | 'escalate';
  /** The corrected output; required for `edit`. */
  output?: string;
  rationale?: string;
  /** Why it is rejected: one of the policy's reasons or the tenant's rejection reasons; default the case's reason. */
  reason?: string;
  /** A response or rejection template; its text becomes the rationale when none is given. */
  template_id?: string;
  /** The checklist items the reviewer completed, by name: all must be true before a sign-off. */
  checklist?: Record<string, boolean>;
  /** The level to escalate to (default: one up, at most 3). */
  level?: number;
  /** What the next level should know. */
  note?: string;
}

/** Throws `invalid_request` for a decision that is wrong on its face (edit without output, level on a non-escalation). Pure. */
export function checkDecisionShape(input: DecisionInput): void {
  const bad: FieldError[] = [];
  if (input.action === 'edit' && input.output === undefined) {
    bad.push({ pointer: '/output', detail: 'required when action is "edit"' });
  }
  if (input.action !== 'escalate' && input.level !== undefined) {
    bad.push({ pointer: '/level', detail: 'only an escalation names a level' });
  }
  if (bad.length > 0)
    throw new GatehouseError('invalid_request', bad.map((b) => `${b.pointer}: ${b.detail}`).join('; '), bad);
}

/**
 * Throws `invalid_request` naming every required checklist item not marked done. A sign-off
 * (approve, edit, reject) needs the whole checklist; an escalation does not. Pure.
 */
export function checkChecklist(
  action: DecisionInput['action'],
  required: readonly string[],
  done: Record<string, boolean> = {},
): void {
  if (action === 'escalate' || required.length === 0) return;
  const missing = required.filter((item) => done[item] !== true);
  if (missing.length === 0) return;
  throw new GatehouseError(
    'invalid_request',
    `complete the checklist first: ${missing.join(', ')}`,
    missing.map((item) => ({ pointer: `/checklist/${item}`, detail: 'must be true before sign-off' })),
  );
}

/**
 * The level an escalation goes to: `requested` (default one up); throws `escalation_limit` above
 * Level 3 and `invalid_request` for a level not above the current one. Pure.
 */
export function escalationTarget(current: number, requested?: number): number {
  const target = requested ?? current + 1;
  if (target > 3) {
    throw new GatehouseError(
      'escalation_limit',
      current >= 3 ? 'the case is at Level 3 (incident) already' : 'there is no level above 3',
      [{ pointer: requested === undefined ? '/action' : '/level', detail: 'cannot escalate above Level 3' }],
    );
  }
  if (target <= current) {
    throw new GatehouseError(
      'invalid_request',
      `the case is at Level ${current}; escalate to a higher level`,
      [{ pointer: '/level', detail: `must be above ${current}` }],
    );
  }
  return target;
}
