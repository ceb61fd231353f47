import type { GateInput, GateVerdict, InlineGate } from '../gate.js';
import { allMatches, combineRisk, compilePhrases, promptSegments, type Segment } from '../text.js';
import type { Finding } from '../types.js';
import type { InjectionConfig } from './config.js';
import { BASE64_BLOB, HIDDEN_CHARS, OVERRIDE_PHRASES, ROLEPLAY_PHRASES } from './patterns.js';

/** Risk each kind of finding carries; several combine as independent risks. */
const WEIGHT: Record<string, number> = {
  INSTRUCTION_OVERRIDE: 0.7,
  ROLEPLAY_JAILBREAK: 0.4,
  HIDDEN_CHARACTERS: 0.5,
  BASE64_BLOB: 0.3,
};

/** True when a base64 run decodes to mostly printable text: an encoded instruction, not a hash or key. */
function decodesToText(blob: string): boolean {
  const bytes = Buffer.from(blob, 'base64');
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable++;
  return bytes.length > 0 && printable / bytes.length > 0.9;
}

function at(seg: Segment, type: string, start: number, end: number): Finding {
  const f: Finding = { entity_type: type, start, end, score: WEIGHT[type]!, target: seg.target };
  if (seg.message !== undefined) f.message = seg.message;
  return f;
}

/** Hidden characters in a row form one finding, so a zero-width-spaced word is one hit, not twenty. */
function hiddenRuns(seg: Segment): Finding[] {
  const out: Finding[] = [];
  for (const m of allMatches(HIDDEN_CHARS, seg.text)) {
    const last = out.at(-1);
    if (last && m.index <= last.end + 1) last.end = m.index + m[0].length;
    else out.push(at(seg, 'HIDDEN_CHARACTERS', m.index, m.index + m[0].length));
  }
  return out;
}

/**
 * Compiles the `injection` gate: instruction-override phrases, role-play jailbreaks, hidden
 * characters and base64 blobs that decode to text, in every prompt message but the system one.
 * Score = 1 − Π(1 − weight) over findings (risk); outcome by `flag_at` / `block_at`.
 */
export function createInjectionGate(config: InjectionConfig): InlineGate {
  const override = compilePhrases([...OVERRIDE_PHRASES, ...config.extra_phrases]);
  const roleplay = compilePhrases(ROLEPLAY_PHRASES);
  const run = (input: GateInput): GateVerdict => {
    const segments = promptSegments(input.prompt).filter((s) => config.scan_system || s.role !== 'system');
    const findings: Finding[] = [];
    for (const seg of segments) {
      // Hidden characters split words ("ig\u200Bnore"), so phrases are matched on the text without them.
      const visible = seg.text.replace(HIDDEN_CHARS, '');
      const shifted = visible === seg.text;
      for (const [re, type] of [
        [override, 'INSTRUCTION_OVERRIDE'],
        [roleplay, 'ROLEPLAY_JAILBREAK'],
      ] as const) {
        for (const m of re!.find(visible)) {
          // Offsets point into the original text only when nothing was removed; else the whole message.
          findings.push(
            shifted ? at(seg, type, m.index, m.index + m[0].length) : at(seg, type, 0, seg.text.length),
          );
        }
      }
      findings.push(...hiddenRuns(seg));
      for (const m of allMatches(BASE64_BLOB, seg.text)) {
        if (decodesToText(m[0])) findings.push(at(seg, 'BASE64_BLOB', m.index, m.index + m[0].length));
      }
    }
    const score = Number(combineRisk(findings.map((f) => f.score)).toFixed(4));
    const count = (t: string) => findings.filter((f) => f.entity_type === t).length;
    return {
      outcome: score >= config.block_at ? 'block' : score >= config.flag_at ? 'flag' : 'pass',
      score,
      findings,
      signals: {
        override: count('INSTRUCTION_OVERRIDE'),
        roleplay: count('ROLEPLAY_JAILBREAK'),
        hidden_characters: count('HIDDEN_CHARACTERS'),
        base64: count('BASE64_BLOB'),
      },
    };
  };
  return { name: 'injection', common: config, run };
}
