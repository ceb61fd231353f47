import type { AsyncGate, GateInput, GateVerdict } from '../gate.js';
import { promptText } from '../text.js';
import { CircuitBreaker } from './circuit.js';
import type { ExternalConfig } from './config.js';
import { readResponse, requestBody } from './response.js';

/** A failure worth retrying: network error, timeout, 429 or 5xx. A 4xx or a bad answer is not. */
class Retryable extends Error {}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true });
  });
}

async function callOnce(config: ExternalConfig, body: string, budget: AbortSignal): Promise<unknown> {
  const signal = AbortSignal.any([budget, AbortSignal.timeout(config.timeout_ms)]);
  let res: Response;
  try {
    res = await fetch(config.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...config.headers },
      body,
      signal,
    });
  } catch (err) {
    if (budget.aborted) throw new Error('over its time budget', { cause: err });
    const timedOut = (err as Error).name === 'TimeoutError';
    throw new Retryable(
      timedOut ? `no answer within ${config.timeout_ms} ms` : `request failed: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    if (budget.aborted) throw new Error('over its time budget', { cause: err });
    throw new Retryable(`reading the answer failed: ${(err as Error).message}`, { cause: err });
  }
  if (res.status === 429 || res.status >= 500) throw new Retryable(`HTTP ${res.status}`);
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('the answer is not JSON');
  }
}

/**
 * Compiles one `gates.external.<name>` entry into the async gate `external.<name>`: POSTs the
 * (already redacted) output, retries retryable failures up to `retries` times with linear
 * backoff, and keeps a circuit breaker across transactions. Throws (→ `error`, handled by
 * `on_error`) when the circuit is open, every attempt failed, or the budget ran out.
 */
export function createExternalGate(
  name: string,
  config: ExternalConfig,
  now: () => number = Date.now,
): AsyncGate {
  const circuit = new CircuitBreaker(config.circuit_failures, config.circuit_reset_ms, now);
  const run = async (input: GateInput, budget: AbortSignal): Promise<GateVerdict> => {
    if (!circuit.allow()) throw new Error(`circuit open after ${config.circuit_failures} failed calls`);
    const body = JSON.stringify(
      requestBody(config.format, input.output, {
        prompt: promptText(input.prompt),
        workflow: input.workflow ?? null,
        language: config.language,
      }),
    );
    let answer: unknown;
    for (let attempt = 0; ; attempt++) {
      try {
        answer = await callOnce(config, body, budget);
        break;
      } catch (err) {
        if (!(err instanceof Retryable) || attempt >= config.retries) {
          circuit.failed();
          throw new Error(
            attempt > 0
              ? `${(err as Error).message} (after ${attempt + 1} attempts)`
              : (err as Error).message,
            { cause: err },
          );
        }
        await sleep(config.backoff_ms * (attempt + 1), budget).catch(() => undefined);
        if (budget.aborted) {
          circuit.failed();
          throw new Error('over its time budget', { cause: err });
        }
      }
    }
    let classified;
    try {
      classified = readResponse(config.format, answer);
    } catch (err) {
      circuit.failed();
      throw err;
    }
    circuit.succeed();
    const byScore =
      classified.score >= config.block_at ? 'block' : classified.score >= config.flag_at ? 'flag' : 'pass';
    return {
      outcome: classified.outcome ?? byScore,
      score: classified.score,
      findings: classified.findings,
      signals: classified.signals,
    };
  };
  return { name: `external.${name}`, common: config, run };
}
