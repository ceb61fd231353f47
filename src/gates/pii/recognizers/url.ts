import { allMatches } from '../../text.js';
import { scan, type Candidate, type Recognizer } from '../recognizer.js';

// An absolute URL (RFC 3986 §3) with a web scheme, or a host starting "www.". Its body stops at
// whitespace, quotes and angle brackets (RFC 3986 Appendix C, URLs in prose) and takes brackets
// only when balanced ("wiki/Android_(operating_system)", "http://[::1]/"), so Markdown's
// "[text](https://x.io/a)" ends before its ")". The three alternatives start with different
// characters, so matching stays linear.
const WITH_SCHEME =
  /(?:https?:\/\/|ftp:\/\/|www\.)(?:[^\s<>"'`()[\]]|\([^\s<>"'`()[\]]*\)|\[[0-9A-Fa-f:.]*\])+/gi;
// A bare host is found from its TLD: one of a short list of common ones, so file names
// ("index.ts", "Node.js") stay out. Anchoring on the TLD skips the ~110 µs per 4 KB a full
// host pattern costs when tried at every position.
const TLD_ANCHOR =
  /\.(?:com|org|net|edu|gov|info|biz|io|ai|app|dev|co|me|kz|ru|uk|us|de|fr|eu|ca|au|in|uz|kg|by|ua)(?![A-Za-z0-9-])/gi;
const MAX_HOST_LENGTH = 253; // RFC 1035 §2.3.4 (a name is at most 255 octets on the wire)
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
// What may follow a bare host: a port and a path (RFC 3986 §3.2.3, §3.3), with the same body rule.
const PORT_AND_PATH = /(?::\d{1,5})?(?:\/(?:[^\s<>"'`()[\]]|\([^\s<>"'`()[\]]*\))*)?/y;
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Presidio's UrlRecognizer scores: 0.6 with a scheme, 0.5 for a bare host. */
const SCHEME_SCORE = 0.6;
const BARE_SCORE = 0.5;

/** Drops the sentence punctuation a URL in prose is followed by ("see https://x.io/a."). */
function trimUrl(raw: string): string {
  let end = raw.length;
  while (end > 0 && '.,;:!?'.includes(raw[end - 1]!)) end--;
  return raw.slice(0, end);
}

function toSchemeUrl(m: RegExpExecArray, text: string): Candidate | null {
  if (WORD_CHAR.test(text[m.index - 1] ?? '')) return null; // "xhttp://…", "awww.…"
  const raw = trimUrl(m[0]);
  // "https://" alone, or "www." with nothing after it, names no resource.
  if (!/[\p{L}\p{N}]\.[\p{L}\p{N}]|\/\/[^/]/u.test(raw)) return null;
  return { entity_type: 'URL', start: m.index, end: m.index + raw.length, score: SCHEME_SCORE };
}

/** A letter, digit, '.' or '-': what a host name is made of. */
function isHostChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

/**
 * Bare hosts ("acme.com/help"): labels valid per RFC 1035 §2.3.1, and not preceded by '@' (then
 * it is an e-mail's domain), '/' or ':' (then it is inside a URL found with its scheme).
 */
function detectBareHosts(text: string): Candidate[] {
  const out: Candidate[] = [];
  // Where the current run of host characters began: found walking back from each TLD, but never
  // past the previous one (walking back unbounded would be quadratic on ".com.com.com…").
  let runStart = 0;
  let scanned = 0;
  for (const m of allMatches(TLD_ANCHOR, text)) {
    for (let i = m.index - 1; i >= scanned; i--) {
      if (!isHostChar(text.charCodeAt(i))) {
        runStart = i + 1;
        break;
      }
    }
    scanned = m.index;
    let start = runStart;
    if (m.index - start > MAX_HOST_LENGTH) continue;
    if (/[\p{L}\p{N}_@/:]/u.test(text[start - 1] ?? '')) continue;
    while (start < m.index && (text[start] === '.' || text[start] === '-')) start++;
    const hostEnd = m.index + m[0].length;
    const labels = text.slice(start, hostEnd).split('.');
    if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) continue;
    PORT_AND_PATH.lastIndex = hostEnd; // sticky: set before every use
    const tail = PORT_AND_PATH.exec(text)?.[0] ?? '';
    const raw = trimUrl(text.slice(start, hostEnd + tail.length));
    out.push({ entity_type: 'URL', start, end: start + raw.length, score: BARE_SCORE });
  }
  return out;
}

/** URL: scheme or "www." URLs, and bare hosts with a known TLD; "url"/"link"/"site" raise. */
export const urlRecognizer: Recognizer = {
  entities: ['URL'],
  cues: {
    URL: {
      support: ['url', 'link', 'website', 'site', 'visit', 'http', 'https', 'ссылка', 'сайт'],
      against: [],
    },
  },
  detect: (text) => [...scan(text, WITH_SCHEME, (m) => toSchemeUrl(m, text)), ...detectBareHosts(text)],
};
