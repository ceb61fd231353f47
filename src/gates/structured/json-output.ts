/** The output read as JSON, or why it is not JSON. */
export type JsonOutput = { ok: true; value: unknown } | { ok: false; error: string };

// Models often wrap JSON in a Markdown code fence; the fence is not part of the answer.
const FENCE = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i;

/** Parses the model output as JSON, accepting one surrounding ```json fence. */
export function parseJsonOutput(output: string): JsonOutput {
  const body = FENCE.exec(output)?.[1] ?? output;
  const trimmed = body.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('['))
    return { ok: false, error: 'the output is not a JSON object or array' };
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
