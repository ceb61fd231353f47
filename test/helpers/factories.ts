/** A transaction body with sensible defaults; override any field. */
export function makeTransaction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    prompt: [
      { role: 'system', content: 'You are a support assistant for Acme Bank. Be brief.' },
      { role: 'user', content: 'When does my card statement arrive?' },
    ],
    model: { name: 'gpt-4o-mini', version: '2024-07-18' },
    parameters: { temperature: 0.2, max_tokens: 400 },
    output: 'Your statement arrives on the 3rd business day of each month.',
    confidence: 0.92,
    workflow: 'customer-replies',
    metadata: { customer: 'c-1001', category: 'billing' },
    telemetry: {
      ttft_ms: 210,
      latency_ms: 950,
      tokens_in: 120,
      tokens_out: 40,
      cost_usd: 0.0004,
      provider: 'openai',
      surface: 'chat',
    },
    ...overrides,
  };
}

/** The walking-skeleton story's output: an e-mail address and a Luhn-valid card number. */
export const STORY_OUTPUT =
  'I have updated your profile. We will write to jane.doe@example.com; the card 4111 1111 1111 1111 is now your default.';
