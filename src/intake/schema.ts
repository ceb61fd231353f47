import { z } from '@hono/zod-openapi';
import { GateResult } from '../gates/schema.js';

const Message = z.object({ role: z.string().min(1), content: z.string() }).strict();

/** The transaction body of `POST /v1/transactions` (DESIGN "Contract"). Unknown top-level fields are rejected so a typo never drops data silently. */
export const TransactionInput = z
  .object({
    prompt: z
      .union([z.string(), z.array(Message).min(1)])
      .openapi({ description: 'A string, or chat messages incl. the system message' }),
    output: z.string().openapi({ description: 'The raw model output' }),
    model: z
      .object({ name: z.string().min(1), version: z.string().optional() })
      .strict()
      .optional(),
    parameters: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'Generation parameters: temperature, top_p, max_tokens, seed…' }),
    confidence: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .openapi({ description: "The model's self-reported confidence, 0–1" }),
    workflow: z.string().min(1).max(200).optional(),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'Business fields: amount, currency, category, customer…' }),
    telemetry: z
      .object({
        ttft_ms: z.number().min(0).optional(),
        latency_ms: z.number().min(0).optional(),
        tokens_in: z.number().int().min(0).optional(),
        tokens_out: z.number().int().min(0).optional(),
        cost_usd: z.number().min(0).optional(),
        provider: z.string().optional(),
        surface: z.string().optional(),
      })
      .passthrough()
      .optional(),
  })
  .strict()
  .openapi('TransactionInput');

export type TransactionInput = z.infer<typeof TransactionInput>;

/** What intake answers, and what `GET /v1/transactions/{id}` shows now. */
export const TransactionView = z
  .object({
    id: z.string(),
    verdict: z.enum(['released', 'held', 'blocked']),
    output: z
      .string()
      .nullable()
      .openapi({ description: 'What may be released (possibly redacted); null unless released' }),
    gates: z.array(GateResult),
    risk_class: z.string(),
    reason: z.string().nullable(),
    action: z.enum(['release', 'review', 'sample', 'block']),
    case_id: z.string().nullable(),
    policy_version: z.string(),
    matched_rules: z.array(z.string()),
    remediation: z
      .array(z.unknown())
      .optional()
      .openapi({ description: 'Level-0 remediation the policy asks for: redact, add_label, {rerun}' }),
    created_at: z.string(),
    decided_at: z.string().nullable(),
  })
  .openapi('Transaction');

export type TransactionView = z.infer<typeof TransactionView>;
