import { isIPv6 } from 'node:net';
import { allMatches } from '../../text.js';
import { scan, type Candidate, type Recognizer } from '../recognizer.js';

// Dotted quad with each octet 0–255 (RFC 791 §3.2 textual form), not glued to letters ("v1.2.3.4"),
// digits, or a further ".5" (a five-part version string is not an address).
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`(?<![\\p{L}\\p{N}_.])${OCTET}(?:\\.${OCTET}){3}(?![\\p{L}\\p{N}_]|\\.\\d)`, 'gu');
// Two colons at most one hex group apart anchor an IPv6 candidate (RFC 4291 §2.2 text forms all
// have one); the candidate then grows over hex digits, colons and dots. Anchoring skips the ~70 µs
// per 4 KB a full pattern costs when tried at every position.
const IPV6_ANCHOR = /:[0-9A-Fa-f]{0,4}:/g;
const IPV6_CHAR = /[0-9A-Fa-f:.]/;
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const MAX_IPV6_LENGTH = 45;

/** Presidio's IpRecognizer scores both forms 0.6; "version 1.2.3.4" then falls below 0.5. */
const IP_SCORE = 0.6;

/**
 * An RFC 4291 §2.2 text form (node's parser) not glued to a word ("std::vector"), trimmed of a
 * sentence-ending ':' or '.', with at least two non-empty groups so "a::" is not an address.
 */
function detectIpv6(text: string): Candidate[] {
  const out: Candidate[] = [];
  let taken = 0;
  for (const m of allMatches(IPV6_ANCHOR, text)) {
    if (m.index < taken) continue; // a further anchor inside the address just examined
    let start = m.index;
    while (start > 0 && IPV6_CHAR.test(text[start - 1]!)) start--;
    let end = m.index + m[0].length;
    while (end < text.length && IPV6_CHAR.test(text[end]!)) end++;
    taken = end;
    if (WORD_CHAR.test(text[start - 1] ?? '') || WORD_CHAR.test(text[end] ?? '')) continue;
    // 45 characters is the longest text form (eight groups, the last two as an embedded IPv4).
    if (end - start > MAX_IPV6_LENGTH + 2) continue;
    let raw = text.slice(start, end);
    while (raw.length > 0 && !isIPv6(raw) && /[:.]$/.test(raw)) raw = raw.slice(0, -1);
    if (!isIPv6(raw) || raw.split(':').filter((g) => g.length > 0).length < 2) continue;
    out.push({ entity_type: 'IP_ADDRESS', start, end: start + raw.length, score: IP_SCORE });
  }
  return out;
}

/** IP_ADDRESS: IPv4 octets in range and RFC 4291 IPv6; "ip"/"address" raise, "version"/"build" lower. */
export const ipAddressRecognizer: Recognizer = {
  entities: ['IP_ADDRESS'],
  cues: {
    IP_ADDRESS: {
      support: ['ip', 'ipv4', 'ipv6', 'address', 'addr', 'host', 'server', 'адрес', 'сервер'],
      against: ['version', 'ver', 'v', 'build', 'release', 'firmware', 'версия', 'версии', 'сборка'],
    },
  },
  detect: (text) => [
    ...scan(text, IPV4, (m) => ({
      entity_type: 'IP_ADDRESS',
      start: m.index,
      end: m.index + m[0].length,
      score: IP_SCORE,
    })),
    ...detectIpv6(text),
  ],
};
