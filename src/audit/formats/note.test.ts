import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NoteError,
  decodeBase64,
  formatCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  keyId,
  newSigner,
  newVerifier,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  type NoteErrorReason,
} from './note.js';

const VECTORS_PATH = resolve(import.meta.dirname, '../../../test/vectors/merkle-vectors.json');
const V: any = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fails = (reason: NoteErrorReason, f: () => unknown) => {
  expect(f).toThrow(NoteError);
  try {
    f();
  } catch (err) {
    expect((err as NoteError).reason).toBe(reason);
  }
};
const names = (sigs: { name: string }[]) => sigs.map((s) => s.name);

const SUMDB = V.signed_notes.find((n: any) => n.desc.startsWith('Real sum.golang.org'));
const PETER_NOTE = V.signed_notes[0].note as string;
// The signer key printed in the package doc of golang.org/x/mod/sumdb/note (note.go, GO-NOTE in the
// vectors' sources); it signed the PeterNeumann note above.
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';

describe('signed-note vectors', () => {
  it.each(V.signed_notes as any[])('$desc', (v) => {
    const verifiers = (v.vkeys as string[]).map(parseVerifierKey);
    if (!v.want.ok) return fails('unverified', () => openNote(v.note, verifiers));
    const opened = openNote(v.note, verifiers);
    if (v.want.text) expect(opened.text).toBe(v.want.text);
    expect(names(opened.verified)).toEqual(v.want.verified);
    expect(names(opened.unverified)).toEqual(v.want.unverified);
    expect(parseNote(v.note).text).toBe(opened.text);
    if (v.want.checkpoint) {
      const c = parseCheckpoint(opened.text);
      expect(c).toMatchObject({ origin: v.want.checkpoint.origin, size: BigInt(v.want.checkpoint.size) });
      expect(Buffer.from(c.rootHash).toString('base64')).toBe(v.want.checkpoint.root_hash_b64);
    }
  });

  it.each(V.checkpoint_examples as any[])('$desc', (v) => {
    const c = parseCheckpoint(parseNote(v.note).text);
    expect(c).toEqual({
      origin: v.want.origin,
      size: BigInt(v.want.size),
      rootHash: decodeBase64(v.want.root_hash_b64, 'root'),
      extensions: [],
    });
    expect(formatCheckpoint(c)).toBe(parseNote(v.note).text);
  });

  it('every vkey in the vectors round-trips through parse and format', () => {
    const vkeys = new Set((V.signed_notes as any[]).flatMap((v) => v.vkeys as string[]));
    for (const vkey of vkeys) {
      const v = parseVerifierKey(vkey);
      expect(formatVerifierKey(v.name, v.publicKey)).toBe(vkey);
      expect(keyId(v.name, v.publicKey).toString(16).padStart(8, '0')).toBe(vkey.split('+')[1]);
    }
  });
});

describe('the real sum.golang.org checkpoint', () => {
  const vkey = parseVerifierKey(SUMDB.vkeys[0]);
  const note = SUMDB.note as string;

  it('verifies, and parses as a checkpoint of its origin', () => {
    const { checkpoint, verified } = openCheckpoint(note, [vkey], 'go.sum database tree');
    expect(checkpoint.size).toBe(6476701n);
    expect(names(verified)).toEqual(['sum.golang.org']);
    fails('wrong_origin', () => openCheckpoint(note, [vkey], 'example.com/log'));
  });

  it('is refused when its text changes', () => {
    fails('invalid_signature', () => openNote(note.replace('6476701', '6476702'), [vkey]));
    fails('invalid_signature', () => openNote(note.replace('mb8Q', 'mb8R'), [vkey]));
    fails('invalid_signature', () => openNote('x' + note, [vkey]));
  });

  it('is refused when any byte of its signature changes', () => {
    const line = note.slice(note.lastIndexOf('\u2014'));
    const raw = decodeBase64(line.split(' ')[2]!.trim(), 'sig');
    for (let i = 4; i < raw.length; i++) {
      const bad = raw.slice();
      bad[i]! ^= 0x01;
      const tampered = note.replace(line, `\u2014 sum.golang.org ${Buffer.from(bad).toString('base64')}\n`);
      fails('invalid_signature', () => openNote(tampered, [vkey]));
    }
    // A changed key ID makes it a signature by some unknown key, which alone is not enough.
    const otherId = raw.slice();
    otherId[0]! ^= 0x01;
    fails('unverified', () =>
      openNote(note.replace(line, `\u2014 sum.golang.org ${Buffer.from(otherId).toString('base64')}\n`), [
        vkey,
      ]),
    );
  });

  it('is refused without its key, and a same-named key of our own does not help', () => {
    const impostor = parseVerifierKey(generateSignerKey('sum.golang.org').verifierKey);
    fails('unverified', () => openNote(note, []));
    fails('unverified', () => openNote(note, [impostor]));
    fails('unverified', () => openNote(note, [parseVerifierKey(V.signed_notes[0].vkeys[0])]));
  });
});

describe('Ed25519 (RFC 8032 §7.1)', () => {
  // The secret keys of TEST 1–3; the vectors carry only public keys, so each is checked against it.
  const seeds = [
    '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
  ];

  it.each(V.ed25519_rfc8032.vectors as any[])('TEST $test', (v) => {
    const [pub, msg, sig] = [hex(v.public_key_hex), hex(v.message_hex), hex(v.signature_hex)];
    const verifier = newVerifier('rfc8032', pub);
    expect(verifier.verify(msg, sig)).toBe(true);
    const signer = newSigner('rfc8032', hex(seeds[v.test - 1]!));
    expect(toHex(signer.publicKey)).toBe(v.public_key_hex);
    expect(toHex(signer.sign(msg))).toBe(v.signature_hex);
    expect(verifier.verify(Uint8Array.of(...msg, 0), sig)).toBe(false);
    for (const i of [0, 31, 32, 63]) {
      const bad = sig.slice();
      bad[i]! ^= 0x80;
      expect(verifier.verify(msg, bad)).toBe(false);
    }
    expect(verifier.verify(msg, sig.subarray(0, 63))).toBe(false);
  });
});

describe('signing notes', () => {
  it("reproduces the PeterNeumann note from Go's documented signer key", () => {
    const signer = parseSignerKey(PETER_SKEY);
    expect(
      formatSignerKey(signer.name, decodeBase64(PETER_SKEY.split('+').slice(4).join('+'), 'k').subarray(1)),
    ).toBe(PETER_SKEY);
    const text = parseNote(PETER_NOTE).text;
    const line = PETER_NOTE.split('\n').find((l) => l.includes('PeterNeumann'))!;
    expect(signNote(text, [signer])).toBe(`${text}\n${line}\n`);
  });

  it('signs with several keys, so verifiers holding either key accept it (key rotation)', () => {
    const [old, next] = ['gatehouse.example/log', 'gatehouse.example/log'].map(generateSignerKey);
    const signers = [parseSignerKey(old!.signerKey), parseSignerKey(next!.signerKey)];
    const note = signNote(
      'gatehouse.example/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n',
      signers,
    );
    expect(note.split('\n\u2014 ')).toHaveLength(3);
    const [vOld, vNext] = [parseVerifierKey(old!.verifierKey), parseVerifierKey(next!.verifierKey)];
    expect(openNote(note, [vOld]).unverified).toHaveLength(1);
    expect(openNote(note, [vNext]).verified[0]!.keyId).toBe(vNext.keyId);
    expect(openNote(note, [vOld, vNext]).verified).toHaveLength(2);
    expect(openCheckpoint(note, [vNext]).checkpoint.size).toBe(0n);
  });

  it('refuses text that cannot round-trip as a note', () => {
    const s = [parseSignerKey(generateSignerKey('k').signerKey)];
    fails('malformed', () => signNote('no newline', s));
    fails('malformed', () => signNote('tab\there\n', s));
    fails('malformed', () => signNote('text\n', []));
  });
});

describe('key strings', () => {
  it('generates keys whose signer and verifier halves agree', () => {
    const { signerKey, verifierKey } = generateSignerKey('example.com/log');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+example\.com\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    expect(verifierKey).toMatch(/^example\.com\/log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    const [s, v] = [parseSignerKey(signerKey), parseVerifierKey(verifierKey)];
    expect([s.keyId, toHex(s.publicKey)]).toEqual([v.keyId, toHex(v.publicKey)]);
    expect(generateSignerKey('example.com/log').signerKey).not.toBe(signerKey);
  });

  it('refuses malformed or mismatched keys', () => {
    const vkey = SUMDB.vkeys[0] as string; // sum.golang.org+033de0ae+Ac4z…
    const [name, id, b64] = [vkey.split('+')[0], vkey.split('+')[1], vkey.slice(vkey.indexOf('+', 15) + 1)];
    const bytes = decodeBase64(b64!, 'k');
    const b = (x: Uint8Array) => Buffer.from(x).toString('base64');
    for (const bad of [
      `${name}+033de0af+${b64}`, // wrong ID
      `${name}+33de0ae+${b64}`, // short ID
      `other+${id}+${b64}`, // ID of another name
      `${name}+${id}+${b(Uint8Array.of(2, ...bytes.subarray(1)))}`, // not Ed25519
      `${name}+${id}+${b(bytes.subarray(0, 32))}`, // short key
      `${name}+${id}+${b64!.slice(0, -1)}`, // bad base64
      `${name}+${id}`,
      `sum golang+${id}+${b64}`,
      '',
    ]) {
      fails('bad_key', () => parseVerifierKey(bad));
    }
    fails('bad_key', () => parseSignerKey(vkey));
    fails('bad_key', () => parseSignerKey(PETER_SKEY.replace('c74f20a3', 'c74f20a4')));
    fails('bad_key', () => newSigner('a+b', new Uint8Array(32)));
    fails('bad_key', () => newVerifier('a\u00a0b', new Uint8Array(32)));
  });

  it('refuses two different keys under one name and key ID', () => {
    const v = parseVerifierKey(SUMDB.vkeys[0]);
    const forged = { ...newVerifier('x', new Uint8Array(32)), name: v.name, keyId: v.keyId };
    fails('ambiguous_key', () => openNote(SUMDB.note, [v, forged]));
    expect(openNote(SUMDB.note, [v, v]).verified).toHaveLength(1);
  });
});

describe('parseNote', () => {
  const sig = PETER_NOTE.slice(
    PETER_NOTE.indexOf('\u2014'),
    PETER_NOTE.indexOf('\n', PETER_NOTE.indexOf('\u2014')) + 1,
  );

  it.each([
    ['no blank line', 'text\n' + sig],
    ['no signature', 'text\n\n'],
    ['no final newline', 'text\n\n' + sig.trimEnd()],
    ['a line that is not a signature', 'text\n\n' + sig + 'hello\n'],
    ['a hyphen for the em dash', 'text\n\n' + sig.replace('\u2014', '-')],
    ['a control character', 'te\rxt\n\n' + sig],
    ['a lone surrogate', 'te\ud800xt\n\n' + sig],
    ['a name with a plus', 'text\n\n' + sig.replace('PeterNeumann', 'Peter+Neumann')],
    ['no space before the signature', 'text\n\n\u2014 PeterNeumann\n'],
    ['unpadded base64', 'text\n\n' + sig.replace('M=\n', 'M\n')],
    ['a signature of four bytes', 'text\n\n\u2014 k AAAAAA==\n'],
    ['101 signatures', 'text\n\n' + sig.repeat(101)],
  ])('refuses %s', (_, note) => fails('malformed', () => parseNote(note)));

  it('reads bytes as strict UTF-8, and separates text at the last blank line', () => {
    fails('malformed', () => parseNote(Uint8Array.of(0x61, 0xff, 0x0a, 0x0a)));
    const bytes = new TextEncoder().encode('a\n\nb\n\n' + sig);
    expect(parseNote(bytes).text).toBe('a\n\nb\n');
    expect(parseNote('text\n\n' + sig.repeat(100)).signatures).toHaveLength(100);
    // Repeated lines by one key count once, as in Go's note.Open.
    const twice = PETER_NOTE + sig;
    expect(openNote(twice, [parseVerifierKey(V.signed_notes[0].vkeys[0])]).verified).toHaveLength(1);
  });
});

describe('checkpoint bodies', () => {
  const root = new Uint8Array(32).fill(7);
  const base = { origin: 'gatehouse.example/audit', size: 42n, rootHash: root, extensions: [] as string[] };

  it('round-trip, with extension lines and at the uint64 extremes', () => {
    for (const c of [
      base,
      { ...base, size: 0n },
      { ...base, size: (1n << 64n) - 1n },
      { ...base, extensions: ['ext one', 'two'] },
      { ...base, origin: 'has spaces + plus' },
    ]) {
      expect(parseCheckpoint(formatCheckpoint(c))).toEqual(c);
    }
    expect(formatCheckpoint(base)).toBe(
      `gatehouse.example/audit\n42\n${Buffer.from(root).toString('base64')}\n`,
    );
  });

  it.each([
    ['two lines', 'o\n1\n'],
    ['no final newline', 'o\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc='],
    ['an empty origin', '\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n'],
    ['a leading zero', 'o\n01\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n'],
    ['a signed size', 'o\n+1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n'],
    ['a size of 2^64', 'o\n18446744073709551616\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n'],
    ['a 31-byte root', 'o\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBw==\n'],
    ['unpadded base64', 'o\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc\n'],
    ['non-zero padding bits', 'o\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwd=\n'],
    ['an empty extension line', 'o\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n\n'],
  ])('refuses %s', (_, text) => fails('malformed', () => parseCheckpoint(text)));

  it('refuses to format what it would refuse to parse', () => {
    fails('malformed', () => formatCheckpoint({ ...base, origin: 'two\nlines' }));
    fails('malformed', () => formatCheckpoint({ ...base, size: -1n }));
    fails('malformed', () => formatCheckpoint({ ...base, rootHash: new Uint8Array(31) }));
    fails('malformed', () => formatCheckpoint({ ...base, extensions: [''] }));
  });
});
