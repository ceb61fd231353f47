import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

// What a leaf of the audit log holds. The leaf is a canonical JSON *envelope* (ids, kind, times,
// actor) plus a keyed commitment to the payload; the payload itself (prompt, output, reviewer text)
// is sealed with its subject's key and stored beside the tree. Destroying a subject's key erases its
// payloads without touching a leaf, so every proof stays valid (issue #8, item 7).

/** The version of the leaf format; bumped if the envelope's fields ever change. */
export const LEAF_VERSION = 1;

/** Everything a leaf states about one audit entry, besides the payload commitment. */
export interface Envelope {
  seq: string;
  tenantId: string;
  kind: string;
  transactionId: string | null;
  caseId: string | null;
  actor: string;
  at: string;
  subject: string;
}

/** A parsed leaf: its envelope and the base64 HMAC-SHA256 commitment to the payload. */
export interface Leaf extends Envelope {
  commitment: string;
}

/** JSON with object keys sorted and no whitespace: one spelling per value, so hashes are stable. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map((v) => canonicalJson(v ?? null)).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + canonicalJson(v)).join(',') + '}';
  }
  return JSON.stringify(value) ?? 'null';
}

/** Which erasable subject an entry's payload belongs to: its transaction, else its tenant. */
export function subjectOf(transactionId: string | null): string {
  return transactionId === null ? 'tenant' : `transaction:${transactionId}`;
}

/**
 * HMAC-SHA256 of the payload's JSON text keyed with a random per-entry salt: hides even a guessable
 * payload once erased. The text is PostgreSQL's jsonb rendering, one spelling per value.
 */
export function commitPayload(salt: Uint8Array, bodyText: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', salt).update(bodyText).digest());
}

const utf8 = new TextEncoder();

/**
 * The leaf bytes for an envelope and commitment: canonical JSON in UTF-8. Spelled out with the keys
 * already in canonical (sorted) order, the same bytes as canonicalJson of the document without
 * sorting keys per leaf (the integrator encodes thousands per batch); decodeLeaf re-checks the form.
 */
export function encodeLeaf(envelope: Envelope, commitment: Uint8Array): Uint8Array {
  const j = JSON.stringify;
  return utf8.encode(
    `{"actor":${j(envelope.actor)},"at":${j(envelope.at)},"case_id":${j(envelope.caseId)},` +
      `"commitment":${j(Buffer.from(commitment).toString('base64'))},"kind":${j(envelope.kind)},` +
      `"seq":${j(envelope.seq)},"subject":${j(envelope.subject)},"tenant_id":${j(envelope.tenantId)},` +
      `"transaction_id":${j(envelope.transactionId)},"v":${LEAF_VERSION}}`,
  );
}

/** Parses leaf bytes written by encodeLeaf; throws when they are not such a leaf. */
export function decodeLeaf(bytes: Uint8Array): Leaf {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const d = JSON.parse(text) as Record<string, unknown>;
  if (d.v !== LEAF_VERSION || canonicalJson(d) !== text) throw new Error('not a canonical version-1 leaf');
  const str = (k: string) => {
    if (typeof d[k] !== 'string') throw new Error(`leaf field ${k} is not a string`);
    return d[k];
  };
  const opt = (k: string) => (d[k] === null ? null : str(k));
  return {
    seq: str('seq'),
    tenantId: str('tenant_id'),
    kind: str('kind'),
    transactionId: opt('transaction_id'),
    caseId: opt('case_id'),
    actor: str('actor'),
    at: str('at'),
    subject: str('subject'),
    commitment: str('commitment'),
  };
}

/** A payload sealed for storage: AES-256-GCM ciphertext with its tag, and the IV. */
export interface SealedPayload {
  iv: Uint8Array;
  sealed: Uint8Array;
}

const GCM_TAG_BYTES = 16;
const SALT_BYTES = 32;

/**
 * Seals a payload's JSON text under the subject key with a fresh salt; the salt travels inside the
 * ciphertext (salt ‖ text), so the commitment can be re-checked only while the key exists. `aad`
 * binds the payload to its leaf index.
 */
export function sealPayload(
  key: Uint8Array,
  aad: string,
  bodyText: string,
): { payload: SealedPayload; commitment: Uint8Array } {
  const random = randomBytes(SALT_BYTES + 12);
  const salt = random.subarray(0, SALT_BYTES);
  const iv = random.subarray(SALT_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const head = cipher.update(salt);
  const body = cipher.update(bodyText, 'utf8');
  const sealed = Buffer.concat([head, body, cipher.final(), cipher.getAuthTag()]);
  return {
    payload: { iv: new Uint8Array(iv), sealed: new Uint8Array(sealed) },
    commitment: commitPayload(salt, bodyText),
  };
}

/** Opens a sealed payload and checks it against the leaf's commitment; throws when either fails. */
export function openPayload(
  key: Uint8Array,
  aad: string,
  payload: SealedPayload,
  commitment: string,
): Record<string, unknown> {
  const data = Buffer.from(payload.sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, payload.iv).setAAD(Buffer.from(aad));
  decipher.setAuthTag(data.subarray(data.length - GCM_TAG_BYTES));
  const plain = Buffer.concat([
    decipher.update(data.subarray(0, data.length - GCM_TAG_BYTES)),
    decipher.final(),
  ]);
  const text = plain.subarray(SALT_BYTES).toString('utf8');
  const expected = Buffer.from(commitPayload(plain.subarray(0, SALT_BYTES), text)).toString('base64');
  if (expected !== commitment) throw new Error('payload does not match its leaf commitment');
  return JSON.parse(text) as Record<string, unknown>;
}
