import { describe, expect, it } from 'vitest';
import { seal, unseal, vaultKey } from './seal.js';

const keyA = vaultKey(new TextEncoder().encode('tenant-a-secret'));
const keyB = vaultKey(new TextEncoder().encode('tenant-b-secret'));

describe('vault sealing (AES-256-GCM)', () => {
  it('round-trips, with a fresh IV each time', () => {
    const one = seal(keyA, 'jane.doe@example.com', 'id-1');
    expect(unseal(keyA, one, 'id-1')).toBe('jane.doe@example.com');
    expect(seal(keyA, 'jane.doe@example.com', 'id-1')).not.toBe(one);
  });
  it('refuses another tenant’s key, another row’s id and a flipped byte', () => {
    const sealed = seal(keyA, '4111 1111 1111 1111', 'id-1');
    expect(() => unseal(keyB, sealed, 'id-1')).toThrow();
    expect(() => unseal(keyA, sealed, 'id-2')).toThrow();
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => unseal(keyA, raw.toString('base64'), 'id-1')).toThrow();
  });
});
