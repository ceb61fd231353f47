import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  commitPayload,
  decodeLeaf,
  encodeLeaf,
  openPayload,
  LEAF_VERSION,
  sealPayload,
  subjectOf,
  type Envelope,
} from './envelope.js';

const envelope: Envelope = {
  seq: '41',
  tenantId: 'default',
  kind: 'case.decided',
  transactionId: 'tx-1',
  caseId: 'case-1',
  actor: 'key-7',
  at: '2026-03-02T09:00:00.000Z',
  subject: subjectOf('tx-1'),
};
const body = { action: 'edit', output: 'Your card ends in 1111.', checklist: ['tone', 'pii'], n: 1.5 };
const bodyText = JSON.stringify(body);
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe('canonical JSON', () => {
  it('has one spelling per value: keys sorted at every depth, no whitespace, undefined dropped', () => {
    expect(canonicalJson({ b: 1, a: [{ d: null, c: 'x' }], u: undefined })).toBe(
      '{"a":[{"c":"x","d":null}],"b":1}',
    );
    expect(canonicalJson({ z: { y: 2, x: 1 } })).toBe(canonicalJson(JSON.parse('{"z":{"x":1,"y":2}}')));
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'));
  });
});

describe('leaves', () => {
  it('round-trip, carry no payload, and refuse any other spelling', () => {
    const commitment = commitPayload(randomBytes(32), bodyText);
    const leaf = encodeLeaf(envelope, commitment);
    const text = new TextDecoder().decode(leaf);
    expect(text).not.toContain('1111');
    expect(decodeLeaf(leaf)).toEqual({ ...envelope, commitment: b64(commitment) });
    const spaced = new TextEncoder().encode(text.replace('{', '{ '));
    expect(() => decodeLeaf(spaced)).toThrow(/canonical/);
    const v2 = new TextEncoder().encode(text.replace('"v":1', '"v":2'));
    expect(() => decodeLeaf(v2)).toThrow();
    expect(subjectOf(null)).toBe('tenant');
  });

  it('are canonical JSON of the envelope, whatever its strings hold', () => {
    const commitment = commitPayload(randomBytes(32), bodyText);
    for (const e of [
      envelope,
      { ...envelope, actor: 'é "q" \\ \n\u2028', caseId: null, transactionId: null },
    ]) {
      const text = new TextDecoder().decode(encodeLeaf(e, commitment));
      expect(text).toBe(
        canonicalJson({
          v: LEAF_VERSION,
          seq: e.seq,
          tenant_id: e.tenantId,
          kind: e.kind,
          transaction_id: e.transactionId,
          case_id: e.caseId,
          actor: e.actor,
          at: e.at,
          subject: e.subject,
          commitment: b64(commitment),
        }),
      );
      expect(decodeLeaf(encodeLeaf(e, commitment))).toEqual({ ...e, commitment: b64(commitment) });
    }
  });
});

describe('sealed payloads', () => {
  it('open with the subject key and match the leaf commitment', () => {
    const key = randomBytes(32);
    const { payload, commitment } = sealPayload(key, '41', bodyText);
    expect(openPayload(key, '41', payload, b64(commitment))).toEqual(body);
  });

  it('refuse another key, another leaf index, a changed byte or another commitment', () => {
    const key = randomBytes(32);
    const { payload, commitment } = sealPayload(key, '41', bodyText);
    expect(() => openPayload(randomBytes(32), '41', payload, b64(commitment))).toThrow();
    expect(() => openPayload(key, '42', payload, b64(commitment))).toThrow();
    const flipped = { iv: payload.iv, sealed: payload.sealed.slice() };
    flipped.sealed[3]! ^= 1;
    expect(() => openPayload(key, '41', flipped, b64(commitment))).toThrow();
    const other = sealPayload(key, '41', JSON.stringify({ ...body, action: 'approve' })).commitment;
    expect(() => openPayload(key, '41', payload, b64(other))).toThrow(/commitment/);
  });

  it('commit with a fresh salt each time, so equal payloads give unlinkable leaves', () => {
    const key = randomBytes(32);
    const a = sealPayload(key, '1', '{"action": "approve"}').commitment;
    const b = sealPayload(key, '1', '{"action": "approve"}').commitment;
    expect(b64(a)).not.toBe(b64(b));
  });
});
