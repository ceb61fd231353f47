import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const INFO = 'gatehouse pii vault v1';

/** The vault's AES-256 key for a tenant, derived by HKDF-SHA-256 (RFC 5869) from its PII secret. */
export function vaultKey(tenantSecret: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', tenantSecret, new Uint8Array(0), INFO, 32));
}

/** Encrypts with AES-256-GCM; `aad` (the vault id) binds the ciphertext to its row. Base64 of iv ‖ tag ‖ ciphertext. */
export function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Decrypts what `seal` made; throws when the key, the id or the bytes do not match. */
export function unseal(key: Buffer, sealed: string, aad: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
