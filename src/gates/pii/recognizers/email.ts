import type { Candidate, Recognizer } from '../recognizer.js';

// Dot-atom local part (RFC 5322 §3.4.1) narrowed to the characters real addresses use, so quotes
// and slashes around an address stay outside the span; the domain is a DNS host name
// (RFC 1035 §2.3.1 labels) ending in an alphabetic or IDNA (xn--) TLD.
const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;
const LOCAL_PART = /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TLD = /^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** Finds e-mail addresses around each '@' (text without '@' costs one indexOf); score 1.0 once valid. */
function detectEmails(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > 0 && LOCAL_CHAR.test(text[start - 1]!)) start--;
    let end = at + 1;
    while (end < text.length && DOMAIN_CHAR.test(text[end]!)) end++;
    // Sentence punctuation is not part of the address: "write to a@b.com." ends before the dot.
    while (end > at + 1 && /[.-]/.test(text[end - 1]!)) end--;
    // A local part cannot begin with a dot; "see.a@b.com" keeps the longest valid tail.
    while (start < at && text[start] === '.') start++;
    const local = text.slice(start, at);
    const domain = text.slice(at + 1, end);
    if (local.length === 0 || local.length > 64 || !LOCAL_PART.test(local)) continue;
    if (domain.length > 253) continue;
    const labels = domain.split('.');
    if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TLD.test(labels.at(-1)!)) continue;
    out.push({ entity_type: 'EMAIL_ADDRESS', start, end, score: 1 });
  }
  return out;
}

/** EMAIL_ADDRESS: RFC 5322 dot-atom local part and an RFC 1035 host name; no context needed. */
export const emailRecognizer: Recognizer = {
  entities: ['EMAIL_ADDRESS'],
  cues: { EMAIL_ADDRESS: { support: ['email', 'mail', 'почта', 'почту'], against: [] } },
  detect: (text) => detectEmails(text),
};
