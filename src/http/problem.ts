import type { Context } from 'hono';
import type { ZodError } from 'zod';
import { GatehouseError, toPointer, toProblem, type FieldError } from '../errors.js';

/** Turns a zod failure into `invalid_request` naming every offending field by JSON pointer. */
export function fromZodError(error: ZodError, prefix = ''): GatehouseError {
  const fields: FieldError[] = error.issues
    .map((issue) => {
      // An unknown key is reported on its parent; point at the key itself.
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
      return keys.map((k) => ({
        pointer: prefix + toPointer(k === undefined ? issue.path : [...issue.path, k]),
        detail: issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message,
      }));
    })
    .flat();
  const first = fields[0]!;
  return new GatehouseError('invalid_request', `${first.pointer || '/'}: ${first.detail}`, fields);
}

/** Renders an error as RFC 9457 `application/problem+json`: the one place HTTP errors are shaped. */
export function problemResponse(c: Context, err: unknown): Response {
  const problem = toProblem(err, c.req.path);
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json' },
  });
}
