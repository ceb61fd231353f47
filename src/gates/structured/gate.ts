import type { GateInput, GateVerdict, InlineGate } from '../gate.js';
import { escapeRegExp, promptText } from '../text.js';
import type { Finding } from '../types.js';
import type { StructuredConfig, WorkflowContract } from './config.js';
import { parseJsonOutput } from './json-output.js';
import { checkSelfCheckFields, citationRef } from './self-check.js';

/** What each problem takes from the score: four problems make 0. */
const PROBLEM_WEIGHT = 0.25;

function noSpan(type: string, detail: string): Finding {
  return { entity_type: type, start: 0, end: 0, score: 1, target: 'output', detail };
}

/** Citations whose reference does not occur in the prompt (a cheap provenance check). */
function unsupportedCitations(value: unknown, output: string, prompt: string): Finding[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const obj = value as Record<string, unknown>;
  const cited = [obj.citations, obj.sources].flatMap((list) => (Array.isArray(list) ? list : []));
  const supplied = prompt.toLowerCase();
  return cited.flatMap((c) => {
    const ref = citationRef(c);
    if (!ref || supplied.includes(ref.toLowerCase())) return [];
    const at = output.indexOf(ref);
    return [
      at >= 0
        ? {
            entity_type: 'CITATION_UNSUPPORTED',
            start: at,
            end: at + ref.length,
            score: 1,
            target: 'output' as const,
            detail: ref,
          }
        : noSpan('CITATION_UNSUPPORTED', ref),
    ];
  });
}

function checkContract(contract: WorkflowContract, input: GateInput): Finding[] {
  const json = parseJsonOutput(input.output);
  if (!json.ok) return [noSpan('INVALID_JSON', json.error)];
  const findings: Finding[] = [];
  if (contract.validate && !contract.validate(json.value)) {
    for (const e of contract.validate.errors ?? []) {
      findings.push(noSpan('SCHEMA_VIOLATION', `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`));
    }
  }
  for (const p of checkSelfCheckFields(json.value, contract.self_check)) {
    findings.push(noSpan(p.problem === 'missing' ? 'SELF_CHECK_MISSING' : 'SELF_CHECK_MALFORMED', p.detail));
  }
  if (contract.provenance)
    findings.push(...unsupportedCitations(json.value, input.output, promptText(input.prompt)));
  return findings;
}

/**
 * Compiles the `structured` gate: the fail-safe sentinel (any workflow), then — for a workflow
 * with a contract (its own or `*`) — JSON parse, JSON Schema, self-check fields and citation
 * provenance. Score 1 − 0.25 per problem; the sentinel scores 0.
 */
export function createStructuredGate(config: StructuredConfig): InlineGate {
  const sentinel = new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(config.sentinel)}(?![A-Za-z0-9_])`);
  const run = (input: GateInput): GateVerdict => {
    const contract = config.workflows[input.workflow ?? ''] ?? config.workflows['*'];
    const hit = sentinel.exec(input.output);
    if (hit) {
      return {
        outcome: config.insufficient_data,
        score: 0,
        findings: [
          {
            entity_type: 'INSUFFICIENT_DATA',
            start: hit.index,
            end: hit.index + hit[0].length,
            score: 1,
            target: 'output',
          },
        ],
        signals: { insufficient_data: true, valid: null, unsupported_citations: 0 },
      };
    }
    if (!contract) {
      return {
        outcome: 'pass',
        score: 1,
        findings: [],
        signals: { insufficient_data: false, valid: null, unsupported_citations: 0 },
      };
    }
    const findings = checkContract(contract, input);
    const score = Number(Math.max(0, 1 - PROBLEM_WEIGHT * findings.length).toFixed(4));
    return {
      outcome: findings.length === 0 ? 'pass' : config.invalid,
      score,
      findings,
      signals: {
        insufficient_data: false,
        valid: findings.length === 0,
        unsupported_citations: findings.filter((f) => f.entity_type === 'CITATION_UNSUPPORTED').length,
      },
    };
  };
  return { name: 'structured', common: config, run };
}
