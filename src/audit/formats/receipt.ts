import { HASH_SIZE, MAX_TREE_SIZE, leafHash, verifyInclusion } from './merkle.js';
import {
  NoteError,
  decodeBase64,
  decodeUtf8,
  encodeBase64,
  openCheckpoint,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  type Checkpoint,
  type NoteSignature,
  type NoteVerifier,
} from './note.js';

// A receipt is a C2SP tlog-proof (c2sp.org/tlog-proof): an entry's index, its RFC 9162 inclusion
// proof and the signed checkpoint it leads to, checkable offline by anyone holding the log's key.

const HEADER = 'c2sp.org/tlog-proof@v1';
// A uint64 tree has at most 64 levels, so no inclusion proof is longer.
const MAX_PROOF_HASHES = 64;

/** A tlog-proof receipt: where an entry sits and the signed checkpoint that commits to it. */
export interface Receipt {
  /** The entry's zero-based index in the log. */
  index: bigint;
  /** The inclusion proof, leaf's sibling first (RFC 9162 §2.1.3.1). */
  proof: Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  checkpoint: string;
  /** Opaque, unauthenticated extra data (tlog-proof §Format); omitted when undefined. */
  extra?: Uint8Array;
}

/** What a verified receipt establishes. */
export interface VerifiedReceipt {
  index: bigint;
  checkpoint: Checkpoint;
  /** The checkpoint signatures that verified. */
  verified: NoteSignature[];
  /** Unauthenticated; never trust it without checking it some other way. */
  extra?: Uint8Array;
}

function malformed(message: string): NoteError {
  return new NoteError('malformed', `receipt: ${message}`);
}

function checkIndex(index: bigint): void {
  if (index < 0n || index > MAX_TREE_SIZE) throw malformed(`index ${index} is not a uint64`);
}

function checkProof(proof: readonly Uint8Array[]): void {
  if (proof.length > MAX_PROOF_HASHES) throw malformed(`over ${MAX_PROOF_HASHES} proof hashes`);
  if (proof.some((h) => h.length !== HASH_SIZE)) throw malformed(`a proof hash is not ${HASH_SIZE} bytes`);
}

/** Throws unless `note` is a signed note whose text is a checkpoint body (signatures not checked). */
function checkCheckpointNote(note: string): void {
  parseCheckpoint(parseNote(note).text);
}

/** The receipt as tlog-proof text (tlog-proof §Format); throws NoteError('malformed') on bad parts. */
export function formatReceipt(r: Receipt): string {
  checkIndex(r.index);
  checkProof(r.proof);
  checkCheckpointNote(r.checkpoint);
  const lines = [
    HEADER,
    ...(r.extra === undefined ? [] : [`extra ${encodeBase64(r.extra)}`]),
    `index ${r.index}`,
    ...r.proof.map(encodeBase64),
  ];
  return `${lines.join('\n')}\n\n${r.checkpoint}`;
}

/** Parses tlog-proof text strictly (tlog-proof §Format); throws NoteError('malformed'). */
export function parseReceipt(input: string | Uint8Array): Receipt {
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  // Proof lines are never empty, so the first blank line ends them and the checkpoint follows.
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw malformed('no blank line before the checkpoint');
  const head = text.slice(0, blank).split('\n');
  const checkpoint = text.slice(blank + 2);
  if (head[0] !== HEADER) throw malformed(`first line is not ${HEADER}`);
  let at = 1;
  let extra: Uint8Array | undefined;
  if (head[at]?.startsWith('extra ')) extra = decodeBase64(head[at++]!.slice('extra '.length), 'extra data');
  const indexLine = /^index (0|[1-9][0-9]{0,19})$/.exec(head[at++] ?? '');
  if (!indexLine) throw malformed('no "index N" line with a decimal N without leading zeroes');
  const index = BigInt(indexLine[1]!);
  checkIndex(index);
  const proof = head.slice(at).map((line) => decodeBase64(line, 'proof hash'));
  checkProof(proof);
  checkCheckpointNote(checkpoint);
  return extra === undefined ? { index, proof, checkpoint } : { index, proof, checkpoint, extra };
}

/**
 * Verifies that `entry` (the leaf's bytes, hashed here per RFC 9162 §2.1.1) is in the log at the
 * receipt's index: the checkpoint must verify against `verifiers` (and name `origin` when given) and
 * the inclusion proof must lead to its root. Throws NoteError or ProofError.
 */
export function verifyReceipt(
  receipt: string | Uint8Array | Receipt,
  entry: Uint8Array,
  verifiers: readonly (NoteVerifier | string)[],
  origin?: string,
): VerifiedReceipt {
  const r = typeof receipt === 'string' || receipt instanceof Uint8Array ? parseReceipt(receipt) : receipt;
  const keys = verifiers.map((v) => (typeof v === 'string' ? parseVerifierKey(v) : v));
  const { checkpoint, verified } = openCheckpoint(r.checkpoint, keys, origin);
  verifyInclusion(leafHash(entry), r.index, checkpoint.size, r.proof, checkpoint.rootHash);
  const result: VerifiedReceipt = { index: r.index, checkpoint, verified };
  if (r.extra !== undefined) result.extra = r.extra;
  return result;
}
