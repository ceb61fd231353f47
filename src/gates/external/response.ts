import type { Finding, GateSignals } from '../types.js';
import type { ExternalFormat } from './config.js';

/** What a classifier said, in the gate's terms: risk score, optional outcome and findings. */
export interface Classified {
  score: number;
  outcome?: 'pass' | 'flag' | 'block';
  findings: Finding[];
  signals: GateSignals;
}

/** The request body each format expects. */
export function requestBody(
  format: ExternalFormat,
  text: string,
  extra: { prompt: string; workflow: string | null; language: string },
): unknown {
  switch (format) {
    case 'generic':
      return { text, prompt: extra.prompt, workflow: extra.workflow };
    case 'presidio':
      return { text, language: extra.language };
    case 'openai_moderation':
      return { input: text };
  }
}

function clamp01(n: unknown): number | null {
  return typeof n === 'number' && Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : null;
}

function asFindings(list: unknown): Finding[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((f): Finding[] => {
    if (typeof f !== 'object' || f === null) return [];
    const o = f as Record<string, unknown>;
    const score = clamp01(o.score);
    if (typeof o.entity_type !== 'string' || score === null) return [];
    const start = Number.isInteger(o.start) ? (o.start as number) : 0;
    const end = Number.isInteger(o.end) ? (o.end as number) : 0;
    return [{ entity_type: o.entity_type, start, end, score, target: 'output' }];
  });
}

/** Reads a classifier's JSON answer; throws when it does not have the format's shape. */
export function readResponse(format: ExternalFormat, body: unknown): Classified {
  if (format === 'presidio') {
    if (!Array.isArray(body)) throw new Error('a Presidio analyzer answers with a list of results');
    const findings = asFindings(body);
    return {
      score: findings.reduce((m, f) => Math.max(m, f.score), 0),
      findings,
      signals: { entities: [...new Set(findings.map((f) => f.entity_type))].sort() },
    };
  }
  const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (format === 'openai_moderation') {
    const first = Array.isArray(o.results)
      ? (o.results[0] as Record<string, unknown> | undefined)
      : undefined;
    const scores =
      first && typeof first.category_scores === 'object' && first.category_scores !== null
        ? (first.category_scores as Record<string, unknown>)
        : null;
    if (!first || !scores) throw new Error('a moderation answer has results[0].category_scores');
    const entries = Object.entries(scores).flatMap(([k, v]) =>
      clamp01(v) === null ? [] : [[k, clamp01(v)!] as const],
    );
    const flagged = entries
      .filter(([, v]) => v >= 0.5)
      .map(([k]) => k)
      .sort();
    return {
      score: entries.reduce((m, [, v]) => Math.max(m, v), 0),
      ...(first.flagged === true ? { outcome: 'flag' as const } : {}),
      findings: [],
      signals: { flagged: first.flagged === true, categories: flagged },
    };
  }
  const score = clamp01(o.score);
  if (score === null) throw new Error('the answer has no numeric "score" in [0, 1]');
  const outcome =
    o.outcome === 'pass' || o.outcome === 'flag' || o.outcome === 'block' ? o.outcome : undefined;
  const labels = Array.isArray(o.labels) ? o.labels.filter((l): l is string => typeof l === 'string') : [];
  return { score, ...(outcome ? { outcome } : {}), findings: asFindings(o.findings), signals: { labels } };
}
