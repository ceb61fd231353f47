import { existsSync, readFileSync } from 'node:fs';
import { GatehouseError } from '../../errors.js';
import { ProofError, verifyConsistency } from '../formats/merkle.js';
import {
  decodeBase64,
  NoteError,
  openCheckpoint,
  parseVerifierKey,
  type Checkpoint,
  type NoteVerifier,
} from '../formats/note.js';

// What an auditor runs on their own machine: nothing here trusts the server. Keys come from the
// auditor (a vkey string or file), checkpoints are verified before any proof is read, and a proof
// is checked against the roots of the signed checkpoints, never against roots the server states.

/** Turns a verification failure into the CLI's one-line `audit_verification_failed`. */
export function failed(err: unknown, what: string): GatehouseError {
  if (err instanceof GatehouseError) return err;
  const why = err instanceof NoteError || err instanceof ProofError ? err.message : String(err);
  return new GatehouseError('audit_verification_failed', `${what}: ${why}`);
}

/** Trusted verifier keys from `--key`: a file of vkey lines, or one vkey string. */
export function readVerifiers(keyOrFile: string): NoteVerifier[] {
  const text = existsSync(keyOrFile) ? readFileSync(keyOrFile, 'utf8') : keyOrFile;
  const keys = text.split(/\s+/).filter((k) => k !== '' && !k.startsWith('#'));
  if (keys.length === 0) throw new GatehouseError('audit_verification_failed', 'no verifier key given');
  try {
    return keys.map(parseVerifierKey);
  } catch (err) {
    throw failed(err, 'verifier key');
  }
}

/** How to reach a Gatehouse server as an auditor. */
export interface Remote {
  url: string;
  apiKey: string;
}

/** GETs a path from the server; throws audit_verification_failed on a non-2xx answer. */
export async function fetchText(remote: Remote, path: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(remote.url.replace(/\/$/, '') + path, {
      headers: { authorization: `Bearer ${remote.apiKey}` },
    });
  } catch (err) {
    throw new GatehouseError(
      'audit_verification_failed',
      `cannot reach ${remote.url}: ${(err as Error).message}`,
    );
  }
  const text = await res.text();
  if (!res.ok) {
    throw new GatehouseError(
      'audit_verification_failed',
      `GET ${path} answered ${res.status}: ${text.slice(0, 200)}`,
    );
  }
  return text;
}

/** Opens a signed checkpoint with trusted keys; throws audit_verification_failed. */
export function openTrusted(note: string, verifiers: readonly NoteVerifier[], origin?: string): Checkpoint {
  try {
    return openCheckpoint(note, verifiers, origin).checkpoint;
  } catch (err) {
    throw failed(err, 'checkpoint');
  }
}

/** What `audit verify` established: the old and new tree heads, and the new signed note. */
export interface LogVerification {
  origin: string;
  oldSize: bigint;
  newSize: bigint;
  newCheckpoint: string;
}

/**
 * Fetches the server's current checkpoint and proves it extends `oldNote` (a checkpoint the auditor
 * kept): both must verify with `verifiers`, name the same origin, and be linked by an RFC 9162
 * consistency proof. Throws audit_verification_failed on a fork, a rollback or a bad signature.
 */
export async function verifyLogExtends(
  remote: Remote,
  oldNote: string,
  verifiers: readonly NoteVerifier[],
): Promise<LogVerification> {
  const old = openTrusted(oldNote, verifiers);
  const newNote = await fetchText(remote, '/v1/audit/checkpoint');
  const now = openTrusted(newNote, verifiers, old.origin);
  const result = { origin: old.origin, oldSize: old.size, newSize: now.size, newCheckpoint: newNote };
  if (now.size < old.size) {
    throw new GatehouseError(
      'audit_verification_failed',
      `the log shrank from ${old.size} to ${now.size} entries`,
    );
  }
  if (old.size === 0n) return result;
  const path = `/v1/audit/proofs/consistency?from=${old.size}&to=${now.size}`;
  const proof = JSON.parse(await fetchText(remote, path)) as { proof: string[] };
  try {
    const hashes = proof.proof.map((h) => decodeBase64(h, 'proof hash'));
    verifyConsistency(old.size, now.size, hashes, old.rootHash, now.rootHash);
  } catch (err) {
    throw failed(err, `consistency from ${old.size} to ${now.size}`);
  }
  return result;
}
