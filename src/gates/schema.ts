import { z } from '@hono/zod-openapi';

/** One finding of a gate (DESIGN "Contract"): spans are UTF-16 offsets, end exclusive. */
export const Finding = z
  .object({
    entity_type: z.string(),
    start: z.number().int(),
    end: z.number().int(),
    score: z.number(),
    target: z.enum(['output', 'prompt']).optional(),
    message: z.number().int().optional(),
    detail: z.string().optional(),
  })
  .openapi('Finding');

/** One gate's result on one transaction. */
export const GateResult = z
  .object({
    name: z.string(),
    outcome: z.enum(['pass', 'flag', 'block', 'error']),
    score: z.number(),
    findings: z.array(Finding),
    duration_ms: z.number(),
    signals: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]))
      .optional()
      .openapi({ description: 'Gate-specific facts, e.g. confidence { refusal, hedging, self_reported }' }),
    error: z.string().optional().openapi({ description: 'Why the gate failed, when outcome is error' }),
    on_error: z.enum(['fail_open', 'fail_closed']).optional(),
  })
  .openapi('GateResult');
