import { describe, expect, it } from 'vitest';
import { ProofError, appendLeaves, inclusionProof, leafHash, type GetNode } from './merkle.js';
import {
  NoteError,
  formatCheckpoint,
  generateSignerKey,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  type NoteErrorReason,
} from './note.js';
import { formatReceipt, parseReceipt, verifyReceipt, type Receipt } from './receipt.js';

const ORIGIN = 'gatehouse.example/audit';
const utf8 = (s: string) => new TextEncoder().encode(s);
const entries = Array.from({ length: 37 }, (_, i) => utf8(`{"seq":${i}}`));
const keys = generateSignerKey(ORIGIN);
const verifier = parseVerifierKey(keys.verifierKey);

/** A log of `entries` with a signed checkpoint, and the receipt for any index. */
function makeLog(size = entries.length) {
  const { nodes, root } = appendLeaves(0n, [], entries.slice(0, size).map(leafHash));
  const stored = new Map(nodes.map((n) => [`${n.level}/${n.index}`, n.hash]));
  const getNode: GetNode = async (l, i) => stored.get(`${l}/${i}`)!;
  const body = formatCheckpoint({ origin: ORIGIN, size: BigInt(size), rootHash: root, extensions: [] });
  const checkpoint = signNote(body, [parseSignerKey(keys.signerKey)]);
  const receipt = async (index: number, extra?: Uint8Array): Promise<Receipt> => {
    const proof = await inclusionProof(BigInt(index), BigInt(size), getNode);
    return extra === undefined
      ? { index: BigInt(index), proof, checkpoint }
      : { index: BigInt(index), proof, checkpoint, extra };
  };
  return { checkpoint, receipt };
}

const fails = (reason: NoteErrorReason, f: () => unknown) => {
  expect(f).toThrow(NoteError);
  try {
    f();
  } catch (err) {
    expect((err as NoteError).reason).toBe(reason);
  }
};

describe('receipts (c2sp.org/tlog-proof@v1)', () => {
  it('round-trip and verify for every entry of the log', async () => {
    const log = makeLog();
    for (let i = 0; i < entries.length; i++) {
      const r = await log.receipt(i);
      const text = formatReceipt(r);
      expect(parseReceipt(text)).toEqual(r);
      expect(parseReceipt(utf8(text))).toEqual(r);
      const ok = verifyReceipt(text, entries[i]!, [verifier], ORIGIN);
      expect(ok).toMatchObject({ index: BigInt(i), checkpoint: { size: 37n } });
      expect(ok).not.toHaveProperty('extra');
      expect(ok.verified.map((s) => s.name)).toEqual([ORIGIN]);
    }
  });

  it('have the layout of the spec, with and without extra data', async () => {
    const log = makeLog(3);
    const r = await log.receipt(2, utf8('context'));
    const text = formatReceipt(r);
    const [header, extra, index, hash, blank] = text.split('\n');
    expect([header, extra, index, blank]).toEqual([
      'c2sp.org/tlog-proof@v1',
      'extra Y29udGV4dA==',
      'index 2',
      '',
    ]);
    expect(hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(text.endsWith(log.checkpoint)).toBe(true);
    expect(parseReceipt(text)).toEqual(r);
    expect(verifyReceipt(r, entries[2]!, [keys.verifierKey]).extra).toEqual(utf8('context'));
    // A one-entry log needs no proof hashes at all.
    const single = makeLog(1);
    const one = formatReceipt(await single.receipt(0));
    expect(one.startsWith('c2sp.org/tlog-proof@v1\nindex 0\n\n')).toBe(true);
    verifyReceipt(one, entries[0]!, [verifier]);
  });

  it('are refused for another entry, index or proof', async () => {
    const log = makeLog();
    const r = await log.receipt(12);
    expect(() => verifyReceipt(r, entries[13]!, [verifier])).toThrow(ProofError);
    expect(() => verifyReceipt({ ...r, index: 13n }, entries[12]!, [verifier])).toThrow(ProofError);
    expect(() => verifyReceipt({ ...r, index: 37n }, entries[12]!, [verifier])).toThrow(ProofError);
    expect(() => verifyReceipt({ ...r, proof: r.proof.slice(1) }, entries[12]!, [verifier])).toThrow(
      ProofError,
    );
    for (let j = 0; j < r.proof.length; j++) {
      const proof = r.proof.map((h) => h.slice());
      proof[j]![j]! ^= 0x40;
      expect(() => verifyReceipt({ ...r, proof }, entries[12]!, [verifier])).toThrow(ProofError);
    }
  });

  it('are refused when the checkpoint is altered, unsigned by a trusted key, or from another log', async () => {
    const log = makeLog();
    const text = formatReceipt(await log.receipt(5));
    const other = parseVerifierKey(generateSignerKey(ORIGIN).verifierKey);
    fails('invalid_signature', () =>
      verifyReceipt(text.replace('\n37\n', '\n38\n'), entries[5]!, [verifier]),
    );
    fails('unverified', () => verifyReceipt(text, entries[5]!, [other]));
    fails('wrong_origin', () => verifyReceipt(text, entries[5]!, [verifier], 'other.example/log'));
    // A checkpoint for a smaller tree that still holds the entry does not match this proof.
    const smaller = makeLog(20);
    const swapped = text.slice(0, text.indexOf('\n\n') + 2) + smaller.checkpoint;
    expect(() => verifyReceipt(swapped, entries[5]!, [verifier])).toThrow(ProofError);
  });

  it.each([
    ['another header', (t: string) => t.replace('tlog-proof@v1', 'tlog-proof@v2')],
    ['no index line', (t: string) => t.replace(/index \d+\n/, '')],
    ['an index with a leading zero', (t: string) => t.replace('index 5', 'index 05')],
    ['a negative index', (t: string) => t.replace('index 5', 'index -5')],
    ['an index of 2^64', (t: string) => t.replace('index 5', 'index 18446744073709551616')],
    ['a proof hash that is not base64', (t: string) => t.replace(/\n([A-Za-z0-9+/]{43}=)\n/, '\n$1!\n')],
    ['a short proof hash', (t: string) => t.replace(/\n[A-Za-z0-9+/]{43}=\n/, '\nAAAA\n')],
    ['extra data after the index', (t: string) => t.replace('index 5\n', 'index 5\nextra AAAA\n')],
    ['no blank line', (t: string) => t.replace('\n\n', '\n')],
    ['a checkpoint that is not a note', (t: string) => t.slice(0, t.indexOf('\n\n') + 2) + 'just text\n'],
    ['a note that is not a checkpoint', (t: string) => t.replace(`${ORIGIN}\n37\n`, `${ORIGIN}\nmany\n`)],
  ])('refuse %s', async (_, mutate) => {
    const text = formatReceipt(await makeLog().receipt(5));
    fails('malformed', () => parseReceipt(mutate(text)));
  });

  it('are not formatted from bad parts', async () => {
    const r = await makeLog().receipt(5);
    fails('malformed', () => formatReceipt({ ...r, index: -1n }));
    fails('malformed', () => formatReceipt({ ...r, proof: [new Uint8Array(31)] }));
    fails('malformed', () => formatReceipt({ ...r, proof: Array.from({ length: 65 }, () => r.proof[0]!) }));
    fails('malformed', () => formatReceipt({ ...r, checkpoint: 'not a note\n' }));
    fails('malformed', () => parseReceipt(Uint8Array.of(0xc3, 0x28)));
  });
});
