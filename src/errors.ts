/**
 * The one catalogue of errors. Each code has a stable id (used in the problem `type` URI and in
 * docs/ERRORS.md) and the HTTP status it is rendered with.
 */
export const ERRORS = {
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  invalid_request: { status: 422, title: 'The request is not valid' },
  unauthorized: { status: 401, title: 'A valid API key is required' },
  forbidden: { status: 403, title: 'The API key lacks the role this needs' },
  not_found: { status: 404, title: 'No such resource' },
  body_too_large: { status: 413, title: 'The request body is too large' },
  idempotency_conflict: { status: 409, title: 'The idempotency key was used with a different body' },
  case_not_held: { status: 409, title: 'You do not hold this case' },
  lease_expired: { status: 409, title: 'Your lease on this case has expired' },
  case_closed: { status: 409, title: 'The case is already decided' },
  escalation_limit: { status: 422, title: 'The case cannot be escalated further' },
  policy_invalid: { status: 422, title: 'The policy is not valid' },
  config_invalid: { status: 500, title: 'The configuration is not valid' },
  migration_history_mismatch: { status: 500, title: 'The database migration history does not match' },
  not_ready: { status: 503, title: 'Gatehouse is not ready' },
  internal: { status: 500, title: 'Internal error' },
  audit_key_mismatch: { status: 500, title: 'The audit signing key does not match the log' },
  audit_not_integrated: { status: 409, title: 'The audit entry is not in a signed checkpoint yet' },
  audit_verification_failed: { status: 422, title: 'The audit log, proof or receipt does not verify' },
  slo_invalid: { status: 422, title: 'The SLO file is not valid' },
  not_released: { status: 409, title: 'The transaction was not released' },
  claim_limit: { status: 409, title: 'You hold as many cases as your groups allow' },
  case_state: { status: 409, title: 'The case is not in a state that allows this' },
  incident_state: { status: 409, title: 'The incident cannot move to that state' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** One offending field: a JSON pointer (RFC 6901) into the request and what is wrong with it. */
export interface FieldError {
  pointer: string;
  detail: string;
}

/** An error from the catalogue, with an optional explanation and the fields at fault. */
export class GatehouseError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly fields: FieldError[] = [],
  ) {
    super(detail ?? ERRORS[code].title);
    this.status = ERRORS[code].status;
  }
}

/** RFC 9457 problem details for an error; unknown errors become `internal` without leaking text. */
export function toProblem(err: unknown, instance?: string): Record<string, unknown> & { status: number } {
  const e = err instanceof GatehouseError ? err : new GatehouseError('internal');
  const problem: Record<string, unknown> & { status: number } = {
    type: `urn:gatehouse:problem:${e.code}`,
    title: ERRORS[e.code].title,
    status: e.status,
    detail: e.message,
    code: e.code,
  };
  if (instance) problem.instance = instance;
  if (e.fields.length > 0) {
    // RFC 9457 §3.2 extension member, in the shape its own example uses.
    problem.errors = e.fields;
    problem.pointer = e.fields[0]!.pointer;
  }
  return problem;
}

/** Formats a JSON pointer from a path of keys (RFC 6901 §3 escaping). */
export function toPointer(path: readonly PropertyKey[]): string {
  return path.map((k) => '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
