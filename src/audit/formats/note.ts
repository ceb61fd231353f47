import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { HASH_SIZE, MAX_TREE_SIZE } from './merkle.js';

// C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and the tlog-checkpoint note body
// (c2sp.org/tlog-checkpoint). Key strings follow Go's golang.org/x/mod/sumdb/note, which defined them.

/** Why a note, key or checkpoint was refused. */
export type NoteErrorReason =
  'malformed' | 'bad_key' | 'invalid_signature' | 'unverified' | 'ambiguous_key' | 'wrong_origin';

/** A note, key or checkpoint that is malformed or does not verify. */
export class NoteError extends Error {
  constructor(
    readonly reason: NoteErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'NoteError';
  }
}

const ALG_ED25519 = 0x01; // signed-note §Signature types
const SIG_PREFIX = '\u2014 '; // em dash, space (signed-note §Format)
// signed-note §Format: verifiers MUST accept at least 16 signatures; Go's note package allows 100.
const MAX_SIGNATURES = 100;
// RFC 8410 §7 and §4: DER wrappers that turn a raw Ed25519 seed / public key into a KeyObject.
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes standard padded base64 (RFC 4648 §4), refusing any other spelling; throws NoteError. */
export function decodeBase64(text: string, what: string): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  // Re-encoding also refuses non-zero padding bits, so each value has exactly one spelling.
  if (!BASE64.test(text) || encodeBase64(bytes) !== text) {
    throw new NoteError('malformed', `${what} is not canonical base64`);
  }
  return bytes;
}

/** Encodes bytes as standard padded base64 (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Whether `name` may name a key: non-empty, no Unicode spaces, no plus (signed-note §Format). */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\p{White_Space}+\p{Cs}]/u.test(name);
}

/** The key ID: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4] as a big-endian uint32 (signed-note §Ed25519). */
export function keyId(name: string, publicKey: Uint8Array): number {
  const digest = createHash('sha256').update(name).update('\n').update(Uint8Array.of(ALG_ED25519));
  return digest.update(publicKey).digest().readUInt32BE(0);
}

/** A trusted Ed25519 public key and the name it signs under. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** Whether `signature` is a valid Ed25519 signature of `message` (RFC 8032). */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** An Ed25519 private key and the name it signs under. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** The Ed25519 signature of `message` (RFC 8032 §5.1.6). */
  sign(message: Uint8Array): Uint8Array;
}

function checkName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteError('bad_key', `invalid key name ${JSON.stringify(name)}`);
}

function checkKeyBytes(what: string, bytes: Uint8Array): void {
  if (bytes.length !== 32)
    throw new NoteError('bad_key', `an Ed25519 ${what} is 32 bytes, got ${bytes.length}`);
}

/** A verifier for a raw 32-byte Ed25519 public key; throws NoteError on a bad name or key. */
export function newVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  checkName(name);
  checkKeyBytes('public key', publicKey);
  const key = createPublicKey({ key: Buffer.concat([SPKI_ED25519, publicKey]), format: 'der', type: 'spki' });
  return {
    name,
    keyId: keyId(name, publicKey),
    publicKey: publicKey.slice(),
    verify: (message, signature) => signature.length === 64 && verify(null, message, key, signature),
  };
}

/** A signer for a raw 32-byte Ed25519 seed (RFC 8032 §5.1.5 private key); throws NoteError. */
export function newSigner(name: string, seed: Uint8Array): NoteSigner {
  checkName(name);
  checkKeyBytes('seed', seed);
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(SPKI_ED25519.length));
  return {
    name,
    keyId: keyId(name, publicKey),
    publicKey,
    sign: (message) => new Uint8Array(sign(null, message, key)),
  };
}

const hex8 = (id: number) => id.toString(16).padStart(8, '0');

/** The verifier key string `<name>+<hex key ID>+<base64(0x01 ‖ public key)>` (Go note.NewEd25519VerifierKey). */
export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  const v = newVerifier(name, publicKey);
  return `${name}+${hex8(v.keyId)}+${encodeBase64(Uint8Array.of(ALG_ED25519, ...publicKey))}`;
}

/** The signer key string `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>`; keep it secret. */
export function formatSignerKey(name: string, seed: Uint8Array): string {
  const s = newSigner(name, seed);
  return `PRIVATE+KEY+${name}+${hex8(s.keyId)}+${encodeBase64(Uint8Array.of(ALG_ED25519, ...seed))}`;
}

/** Splits `<name>+<8 hex>+<base64(0x01 ‖ 32 bytes)>` and checks the key ID against the key. */
function parseKeyString<K extends { keyId: number }>(
  text: string,
  derive: (name: string, key: Uint8Array) => K,
): K {
  const [name = '', id = '', ...rest] = text.split('+');
  // The base64 part may itself contain '+', so it is everything after the second separator.
  const b64 = rest.join('+');
  if (!/^[0-9a-fA-F]{8}$/.test(id)) throw new NoteError('bad_key', 'key ID is not 8 hex digits');
  if (!BASE64.test(b64)) throw new NoteError('bad_key', 'key is not base64');
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  if (bytes[0] !== ALG_ED25519) throw new NoteError('bad_key', 'key is not an Ed25519 (0x01) key');
  const made = derive(name, bytes.subarray(1));
  if (made.keyId !== parseInt(id, 16)) throw new NoteError('bad_key', 'key ID does not match the key');
  return made;
}

/** Parses a verifier key string (Go note.NewVerifier); throws NoteError when malformed or mismatched. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  return parseKeyString(vkey, newVerifier);
}

/** Parses a `PRIVATE+KEY+…` signer key string (Go note.NewSigner); throws NoteError. */
export function parseSignerKey(skey: string): NoteSigner {
  if (!skey.startsWith('PRIVATE+KEY+')) throw new NoteError('bad_key', 'signer key must start PRIVATE+KEY+');
  return parseKeyString(skey.slice('PRIVATE+KEY+'.length), newSigner);
}

/** A fresh random Ed25519 key pair for `name`, as signer and verifier key strings (Go note.GenerateKey). */
export function generateSignerKey(name: string): { signerKey: string; verifierKey: string } {
  const seed = new Uint8Array(randomBytes(32));
  const signerKey = formatSignerKey(name, seed);
  return { signerKey, verifierKey: formatVerifierKey(name, parseSignerKey(signerKey).publicKey) };
}

/** One signature line of a note: the key's name and ID, and the signature without the ID. */
export interface NoteSignature {
  name: string;
  keyId: number;
  signature: Uint8Array;
}

/** A note split into its text (ending in newline) and its signature lines, nothing verified. */
export interface ParsedNote {
  text: string;
  signatures: NoteSignature[];
}

// signed-note §Format: valid UTF-8 (in a JS string: no lone surrogate, \p{Cs}) and no ASCII control
// characters other than newline.
function checkNoteChars(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) throw new NoteError('malformed', `note has control character ${c}`);
  }
  if (/\p{Cs}/u.test(text)) throw new NoteError('malformed', 'note is not valid Unicode');
}

/** Decodes strict UTF-8, keeping any BOM so signed bytes survive the round trip; throws NoteError. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new NoteError('malformed', 'text is not valid UTF-8');
  }
}

/** Splits a signed note into text and signature lines (signed-note §Format); throws NoteError('malformed'). */
export function parseNote(input: string | Uint8Array): ParsedNote {
  const note = typeof input === 'string' ? input : decodeUtf8(input);
  checkNoteChars(note);
  // The text is separated from the signatures by the last empty line.
  const split = note.lastIndexOf('\n\n');
  const block = note.slice(split + 2);
  if (split < 0 || block === '' || !block.endsWith('\n')) {
    throw new NoteError('malformed', 'note does not end in a blank line and signature lines');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) {
    throw new NoteError('malformed', `note has over ${MAX_SIGNATURES} signatures`);
  }
  const signatures = lines.map((line) => {
    const space = line.indexOf(' ', SIG_PREFIX.length);
    const [name, b64] = [line.slice(SIG_PREFIX.length, space), line.slice(space + 1)];
    if (!line.startsWith(SIG_PREFIX) || space < 0 || !isValidKeyName(name) || b64 === '') {
      throw new NoteError('malformed', `bad signature line ${JSON.stringify(line)}`);
    }
    const raw = decodeBase64(b64, 'signature');
    if (raw.length < 5) throw new NoteError('malformed', 'signature is shorter than key ID plus one byte');
    const keyId = Buffer.from(raw).readUInt32BE(0);
    return { name, keyId, signature: raw.subarray(4) };
  });
  return { text: note.slice(0, split + 1), signatures };
}

/** A note whose text is authenticated: the signatures that verified, and those from unknown keys. */
export interface OpenedNote {
  text: string;
  verified: NoteSignature[];
  unverified: NoteSignature[];
}

/**
 * Verifies a note against trusted keys (signed-note §Signatures): unknown keys are ignored, a known
 * key's bad signature rejects the note, and at least one known key must sign. Throws NoteError.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const id = `${v.name} ${v.keyId}`;
    const other = known.get(id);
    if (other && encodeBase64(other.publicKey) !== encodeBase64(v.publicKey)) {
      throw new NoteError('ambiguous_key', `two different keys are named ${v.name}+${hex8(v.keyId)}`);
    }
    known.set(id, v);
  }
  const { text, signatures } = parseNote(note);
  const message = new TextEncoder().encode(text);
  const opened: OpenedNote = { text, verified: [], unverified: [] };
  const seen = new Set<string>();
  for (const sig of signatures) {
    const id = `${sig.name} ${sig.keyId}`;
    const v = known.get(id);
    // As Go's note.Open: count each known key once, and each identical unknown line once.
    const once = v ? id : `${id} ${encodeBase64(sig.signature)}`;
    if (seen.has(once)) continue;
    seen.add(once);
    if (!v) {
      opened.unverified.push(sig);
    } else if (v.verify(message, sig.signature)) {
      opened.verified.push(sig);
    } else {
      throw new NoteError('invalid_signature', `signature by ${sig.name}+${hex8(sig.keyId)} does not verify`);
    }
  }
  if (opened.verified.length === 0) throw new NoteError('unverified', 'no signature from a trusted key');
  return opened;
}

/** Signs `text` (which must end in a newline) with every signer, one line each, in order (signed-note §Format). */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkNoteChars(text);
  if (!text.endsWith('\n')) throw new NoteError('malformed', 'note text must end in a newline');
  if (signers.length === 0) throw new NoteError('malformed', 'a note needs at least one signature');
  const message = new TextEncoder().encode(text);
  const lines = signers.map((s) => {
    const id = new Uint8Array(4);
    new DataView(id.buffer).setUint32(0, s.keyId);
    return `${SIG_PREFIX}${s.name} ${encodeBase64(Uint8Array.of(...id, ...s.sign(message)))}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/** A log's tree head as a tlog-checkpoint body states it. */
export interface Checkpoint {
  origin: string;
  size: bigint;
  rootHash: Uint8Array;
  /** Opaque extension lines, each non-empty (tlog-checkpoint §Note text, item 4). */
  extensions: string[];
}

/** The checkpoint body `<origin>\n<size>\n<base64 root>\n[extension lines]` (tlog-checkpoint §Note text). */
export function formatCheckpoint(c: Checkpoint): string {
  if ([c.origin, ...c.extensions].some((l) => l.includes('\n'))) {
    throw new NoteError('malformed', 'checkpoint origin and extension lines are single lines');
  }
  const lines = [c.origin, c.size.toString(), encodeBase64(c.rootHash), ...c.extensions];
  const text = lines.map((l) => `${l}\n`).join('');
  // Parsing what we would emit applies every other rule in one place.
  parseCheckpoint(text);
  return text;
}

/** Parses a checkpoint body strictly (tlog-checkpoint §Note text); throws NoteError('malformed'). */
export function parseCheckpoint(text: string): Checkpoint {
  checkNoteChars(text);
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : [];
  if (lines.length < 3 || lines.some((l) => l === '')) {
    throw new NoteError('malformed', 'a checkpoint is three or more non-empty lines, each ending in newline');
  }
  const [origin, sizeText, rootText, ...extensions] = lines as [string, string, string, ...string[]];
  // Decimal, no leading zeroes, and a uint64 like every RFC 9162 tree size.
  if (!/^(0|[1-9][0-9]{0,19})$/.test(sizeText) || BigInt(sizeText) > MAX_TREE_SIZE) {
    throw new NoteError('malformed', `checkpoint size ${JSON.stringify(sizeText)} is not a uint64`);
  }
  const rootHash = decodeBase64(rootText, 'root hash');
  if (rootHash.length !== HASH_SIZE) throw new NoteError('malformed', `root hash is not ${HASH_SIZE} bytes`);
  return { origin, size: BigInt(sizeText), rootHash, extensions };
}

/**
 * Verifies a signed checkpoint (openNote) and parses its body; when `origin` is given the body must
 * name it (tlog-checkpoint §Note text, item 1). Throws NoteError.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
  origin?: string,
): OpenedNote & { checkpoint: Checkpoint } {
  const opened = openNote(note, verifiers);
  const checkpoint = parseCheckpoint(opened.text);
  if (origin !== undefined && checkpoint.origin !== origin) {
    throw new NoteError('wrong_origin', `checkpoint is from ${checkpoint.origin}, not ${origin}`);
  }
  return { ...opened, checkpoint };
}
