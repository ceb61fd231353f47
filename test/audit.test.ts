import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAuditLog } from '../src/audit/check.js';
import { integratePending } from '../src/audit/index.js';
import { leafHash, verifyConsistency, verifyInclusion } from '../src/audit/formats/merkle.js';
import {
  decodeBase64,
  generateSignerKey,
  openCheckpoint,
  parseVerifierKey,
} from '../src/audit/formats/note.js';
import { verifyReceipt } from '../src/audit/formats/receipt.js';
import { makeTransaction, STORY_OUTPUT } from './helpers/factories.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { STORE } from './helpers/store.js';

const b64 = (s: string) => decodeBase64(s, 'test');
const ORIGIN = 'audit.test.example/gatehouse';

let s: TestServer;
let auditor: string;
beforeAll(async () => {
  s = await startTestServer({ auditOrigin: ORIGIN }, { scheduler: false });
  auditor = await s.key('auditor');
});
afterAll(async () => {
  await s?.stop();
});

async function send(n: number, offset = 0): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const output = i % 2 ? STORY_OUTPUT : `Reply ${offset + i}: your parcel ships tomorrow.`;
    const res = await s.api('POST', '/v1/transactions', { body: makeTransaction({ output }) });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}

const text = async (path: string, key = auditor) => {
  const res = await fetch(s.url + path, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, text: await res.text() };
};

describe(`the audit log (${STORE})`, () => {
  it('integrates the outbox into contiguous leaves under a signed checkpoint', async () => {
    await send(6);
    const before = await s.ctx.db.query<{ n: number }>(
      `select count(*)::int as n from audit_entries where leaf_index is null`,
    );
    expect(before.rows[0]!.n).toBeGreaterThan(20);
    const result = await integratePending(s.ctx);
    const { rows } = await s.ctx.db.query<{ leaf_index: string }>(
      `select leaf_index::text as leaf_index from audit_entries e order by e.leaf_index`,
    );
    expect(rows.map((r) => Number(r.leaf_index))).toEqual(rows.map((_, i) => i));
    expect(Number(result!.size)).toBe(rows.length);

    const vkey = (await text('/v1/audit/key')).text.trim();
    const checkpoint = await text('/v1/audit/checkpoint');
    expect(checkpoint.status).toBe(200);
    const opened = openCheckpoint(checkpoint.text, [parseVerifierKey(vkey)], ORIGIN);
    expect(opened.checkpoint.size).toBe(BigInt(rows.length));
    expect(checkpoint.text.split('\n')[0]).toBe(ORIGIN);
  });

  it('serves every entry with an inclusion proof and a receipt that verify offline', async () => {
    const vkey = parseVerifierKey((await text('/v1/audit/key')).text.trim());
    const { checkpoint } = openCheckpoint((await text('/v1/audit/checkpoint')).text, [vkey]);
    for (let i = 0n; i < checkpoint.size; i++) {
      const entry = await s.api('GET', `/v1/audit/entries/${i}`, { key: auditor });
      expect(entry.status).toBe(200);
      expect(entry.body.index).toBe(Number(i));
      const bytes = b64(entry.body.entry);
      expect(Buffer.from(leafHash(bytes)).toString('base64')).toBe(entry.body.leaf_hash);
      const proof = await s.api('GET', `/v1/audit/proofs/inclusion?index=${i}`, { key: auditor });
      expect(proof.body).toMatchObject({ leaf_index: Number(i), tree_size: Number(checkpoint.size) });
      verifyInclusion(
        b64(proof.body.leaf_hash),
        i,
        checkpoint.size,
        proof.body.proof.map(b64),
        checkpoint.rootHash,
      );
      const receipt = await text(`/v1/audit/receipts/${i}`);
      expect(verifyReceipt(receipt.text, bytes, [vkey], ORIGIN).index).toBe(i);
    }
  });

  it('proves that each newer tree extends every older one', async () => {
    const old = await text('/v1/audit/checkpoint');
    const vkey = parseVerifierKey((await text('/v1/audit/key')).text.trim());
    const size1 = openCheckpoint(old.text, [vkey]).checkpoint;
    await send(3, 100);
    await integratePending(s.ctx);
    const size2 = openCheckpoint((await text('/v1/audit/checkpoint')).text, [vkey]).checkpoint;
    expect(size2.size).toBeGreaterThan(size1.size);
    for (let from = 1n; from <= size2.size; from++) {
      const res = await s.api('GET', `/v1/audit/proofs/consistency?from=${from}`, { key: auditor });
      expect(res.status).toBe(200);
      const p = res.body;
      verifyConsistency(BigInt(p.size1), BigInt(p.size2), p.proof.map(b64), b64(p.root1), b64(p.root2));
      if (from === size1.size) expect(p.root1).toBe(Buffer.from(size1.rootHash).toString('base64'));
    }
    expect(
      b64((await s.api('GET', `/v1/audit/proofs/consistency?from=1`, { key: auditor })).body.root2),
    ).toEqual(size2.rootHash);
  });

  it('refuses proofs beyond the signed tree and reads without the auditor role', async () => {
    const head = (await text('/v1/audit/checkpoint')).text.split('\n')[1];
    const beyond = await s.api('GET', `/v1/audit/proofs/inclusion?index=0&size=${Number(head) + 1}`, {
      key: auditor,
    });
    expect(beyond.status).toBe(422);
    expect(beyond.body.pointer).toBe('/size');
    expect((await s.api('GET', `/v1/audit/proofs/consistency?from=0`, { key: auditor })).status).toBe(422);
    expect((await s.api('GET', `/v1/audit/receipts/${head}`, { key: auditor })).status).toBe(409);
    expect((await s.api('GET', `/v1/audit/entries/abc`, { key: auditor })).status).toBe(422);
    const ingest = await s.key('ingest');
    for (const path of ['/v1/audit/checkpoint', '/v1/audit/entries/0', '/v1/audit/receipts/0']) {
      expect((await s.api('GET', path, { key: ingest })).status, path).toBe(403);
    }
    // The public key is for anyone holding a receipt.
    expect((await s.api('GET', '/v1/audit/key', { key: ingest })).status).toBe(200);
    expect((await s.api('GET', '/v1/audit/key', { key: '' })).status).toBe(401);
  });

  it("shows a transaction's steps in order with their leaf indices and opened payloads", async () => {
    const [id] = await send(1, 200);
    const pending = await s.api('GET', `/v1/transactions/${id}/audit`, { key: auditor });
    expect(pending.body.entries[0]).toMatchObject({ leaf_index: null, kind: 'transaction.received' });
    await integratePending(s.ctx);
    const res = await s.api('GET', `/v1/transactions/${id}/audit`, { key: auditor });
    expect(res.body.entries.map((e: { kind: string }) => e.kind)).toEqual([
      'transaction.received',
      'gates.evaluated',
      'transaction.routed',
    ]);
    expect(res.body.entries[0].body).toEqual(pending.body.entries[0].body);
    expect(res.body.entries[0].body.output).toBe('Reply 200: your parcel ships tomorrow.');
    const indices = res.body.entries.map((e: { leaf_index: number }) => e.leaf_index);
    expect(indices.every((i: number) => Number.isInteger(i))).toBe(true);
    // The plaintext left the outbox; the leaf carries only the envelope and a commitment.
    const leaf = await s.api('GET', `/v1/audit/entries/${indices[0]}`, { key: auditor });
    const envelope = Buffer.from(leaf.body.entry, 'base64').toString();
    expect(envelope).toContain(`"transaction_id":"${id}"`);
    expect(envelope).not.toContain('parcel');
  });

  it('POST /v1/transactions?receipt=wait answers once its entries are signed, with a receipt for each', async () => {
    let answer: Awaited<ReturnType<TestServer['api']>> | undefined;
    const sent = s.api('POST', '/v1/transactions?receipt=wait', {
      body: makeTransaction({ output: STORY_OUTPUT }),
    });
    void sent.then((r) => (answer = r));
    // The scheduler is off here: integrate until the waiting request sees its checkpoint.
    while (!answer) {
      await integratePending(s.ctx);
      await new Promise((r) => setImmediate(r));
    }
    expect(answer.status).toBe(201);
    const receipts = answer.body.audit_receipts as {
      kind: string;
      index: number;
      entry: string;
      receipt: string;
    }[];
    expect(receipts.map((r) => r.kind)).toEqual([
      'transaction.received',
      'gates.evaluated',
      'transaction.routed',
      'case.opened',
    ]);
    const vkey = parseVerifierKey((await text('/v1/audit/key')).text.trim());
    for (const r of receipts) {
      const verified = verifyReceipt(r.receipt, b64(r.entry), [vkey], ORIGIN);
      expect(verified.index).toBe(BigInt(r.index));
      expect(Buffer.from(b64(r.entry)).toString()).toContain(answer.body.id);
    }
    const plain = await s.api('POST', '/v1/transactions', { body: makeTransaction() });
    expect(plain.body.audit_receipts).toBeUndefined();
  });

  it('refuses UPDATE and DELETE on the log tables', async () => {
    for (const sql of [
      `update audit_leaves set leaf = leaf where leaf_index = 0`,
      `delete from audit_nodes where level = 1 and idx = 0`,
      `update audit_checkpoints set note = note`,
      `delete from audit_entries where leaf_index = 0`,
      `update audit_entries set kind = 'x' where leaf_index = 0`,
    ]) {
      await expect(s.ctx.db.query(sql), sql).rejects.toThrow(/append-only/);
    }
  });

  it('check passes on the honest log, and fails with the stored receipt once a row is edited in SQL', async () => {
    const verifiers = [parseVerifierKey((await text('/v1/audit/key')).text.trim())];
    const honest = await checkAuditLog(s.ctx.db, verifiers);
    expect(honest.problems).toEqual([]);
    expect(honest.checkpoints).toBeGreaterThanOrEqual(3);
    const receipt = (await text('/v1/audit/receipts/2')).text;
    const entry = await s.api('GET', '/v1/audit/entries/2', { key: auditor });
    verifyReceipt(receipt, b64(entry.body.entry), verifiers);

    // A DBA bypasses the triggers and rewrites who acted.
    const forged = Buffer.from(entry.body.entry, 'base64')
      .toString()
      .replace(/"actor":"[^"]*"/, '"actor":"system"');
    await s.ctx.db.transaction(async (tx) => {
      await tx.query(`alter table audit_leaves disable trigger audit_leaves_append_only`);
      await tx.query(`update audit_leaves set leaf = convert_to($1, 'UTF8') where leaf_index = 2`, [forged]);
      await tx.query(`alter table audit_leaves enable trigger audit_leaves_append_only`);
    });
    const tampered = await checkAuditLog(s.ctx.db, verifiers);
    expect(tampered.problems.length).toBeGreaterThan(0);
    expect(tampered.problems.join('\n')).toMatch(/subtree 1\/1/);
    expect(tampered.problems.join('\n')).toMatch(/recomputed root/);
    const served = await s.api('GET', '/v1/audit/entries/2', { key: auditor });
    expect(() => verifyReceipt(receipt, b64(served.body.entry), verifiers)).toThrow();
  });
});

describe(`key rotation (${STORE})`, () => {
  it('signs each checkpoint with every configured key, so either key verifies it', async () => {
    const [oldKey, newKey] = [generateSignerKey(ORIGIN), generateSignerKey('audit.test.example/k2')];
    const r = await startTestServer(
      { auditOrigin: ORIGIN, auditKey: `${oldKey.signerKey}\n${newKey.signerKey}` },
      { scheduler: false },
    );
    try {
      await integratePending(r.ctx);
      const note = (await r.api('GET', '/v1/audit/checkpoint')).body as string;
      expect(note.split('\n').filter((l) => l.startsWith('\u2014 '))).toHaveLength(2);
      for (const k of [oldKey, newKey]) openCheckpoint(note, [parseVerifierKey(k.verifierKey)], ORIGIN);
      const keys = (await r.api('GET', '/v1/audit/key')).body as string;
      expect(keys.trim().split('\n')).toEqual([oldKey.verifierKey, newKey.verifierKey]);
    } finally {
      await r.stop();
    }
  });

  it('refuses to extend a log whose checkpoints another key signed', async () => {
    const r = await startTestServer({ auditOrigin: ORIGIN }, { scheduler: false });
    try {
      await integratePending(r.ctx);
      const other = { ...r.ctx, config: { ...r.ctx.config, auditKey: generateSignerKey(ORIGIN).signerKey } };
      await r.api('POST', '/v1/transactions', { body: makeTransaction() });
      await expect(integratePending(other)).rejects.toThrow(/not signed by any configured audit key/);
    } finally {
      await r.stop();
    }
  });
});
