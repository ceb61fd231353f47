import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatehouseError } from '../../errors.js';
import { decodeLeaf } from '../formats/envelope.js';
import { decodeBase64, type NoteVerifier } from '../formats/note.js';
import { formatReceipt, verifyReceipt } from '../formats/receipt.js';
import { failed, fetchText, openTrusted, type Remote } from './client.js';

// An offline audit bundle: a directory an auditor can archive and check years later without the
// server. `checkpoint` is the signed tree head; `entries/<index>.bin` the exact leaf bytes;
// `receipts/<index>.tlog-proof` a C2SP tlog-proof for each against that very checkpoint; `vkeys` the
// server's verifier keys (informative only: verify-bundle trusts the keys the auditor passes).

/** Which entries to export: from a leaf index, and/or those recorded at or after a time. */
export interface ExportRange {
  sinceIndex?: bigint;
  sinceAt?: Date;
}

/** What an export wrote. */
export interface ExportResult {
  treeSize: bigint;
  entries: number;
}

const PAGE = 1_000;

/** Writes the caller's tenant's entries in `range`, with receipts against one checkpoint, to `dir`. */
export async function exportBundle(remote: Remote, range: ExportRange, dir: string): Promise<ExportResult> {
  const note = await fetchText(remote, '/v1/audit/checkpoint');
  const size = BigInt(note.split('\n')[1] ?? '0');
  mkdirSync(join(dir, 'entries'), { recursive: true });
  mkdirSync(join(dir, 'receipts'), { recursive: true });
  writeFileSync(join(dir, 'checkpoint'), note);
  writeFileSync(join(dir, 'vkeys'), await fetchText(remote, '/v1/audit/key'));
  let since = range.sinceIndex ?? 0n;
  let written = 0;
  for (;;) {
    const page = JSON.parse(await fetchText(remote, `/v1/audit/entries?since=${since}&limit=${PAGE}`)) as {
      entries: { index: number; entry: string }[];
    };
    const inTree = page.entries.filter((e) => BigInt(e.index) < size);
    for (const e of inTree) {
      const bytes = decodeBase64(e.entry, 'entry');
      if (range.sinceAt && new Date(decodeLeaf(bytes).at) < range.sinceAt) continue;
      const proof = JSON.parse(
        await fetchText(remote, `/v1/audit/proofs/inclusion?index=${e.index}&size=${size}`),
      ) as { proof: string[] };
      const receipt = formatReceipt({
        index: BigInt(e.index),
        proof: proof.proof.map((h) => decodeBase64(h, 'proof hash')),
        checkpoint: note,
      });
      writeFileSync(join(dir, 'entries', `${e.index}.bin`), bytes);
      writeFileSync(join(dir, 'receipts', `${e.index}.tlog-proof`), receipt);
      written++;
    }
    if (page.entries.length < PAGE || inTree.length < page.entries.length) break;
    since = BigInt(page.entries[page.entries.length - 1]!.index) + 1n;
  }
  return { treeSize: size, entries: written };
}

/** What verify-bundle established. */
export interface BundleVerification {
  origin: string;
  treeSize: bigint;
  entries: number;
}

/**
 * Checks a bundle offline: the checkpoint verifies with `verifiers`, and every entry's receipt proves
 * it is in the tree that checkpoint signs. Throws audit_verification_failed naming the first failure.
 */
export function verifyBundle(
  dir: string,
  verifiers: readonly NoteVerifier[],
  origin?: string,
): BundleVerification {
  let note: string;
  try {
    note = readFileSync(join(dir, 'checkpoint'), 'utf8');
  } catch {
    throw new GatehouseError('audit_verification_failed', `${dir} has no checkpoint file`);
  }
  const checkpoint = openTrusted(note, verifiers, origin);
  const names = readdirSync(join(dir, 'entries')).filter((f) => /^\d+\.bin$/.test(f));
  for (const name of names) {
    const index = name.slice(0, -'.bin'.length);
    const entry = new Uint8Array(readFileSync(join(dir, 'entries', name)));
    let receipt: Uint8Array;
    try {
      receipt = new Uint8Array(readFileSync(join(dir, 'receipts', `${index}.tlog-proof`)));
    } catch {
      throw new GatehouseError('audit_verification_failed', `entry ${index} has no receipt`);
    }
    try {
      const r = verifyReceipt(receipt, entry, verifiers, checkpoint.origin);
      if (r.index !== BigInt(index)) throw new Error(`receipt is for index ${r.index}`);
      const sameHead =
        r.checkpoint.size === checkpoint.size &&
        Buffer.from(r.checkpoint.rootHash).equals(Buffer.from(checkpoint.rootHash));
      if (!sameHead) throw new Error('receipt is against another checkpoint');
    } catch (err) {
      throw failed(err, `entry ${index}`);
    }
  }
  return { origin: checkpoint.origin, treeSize: checkpoint.size, entries: names.length };
}
