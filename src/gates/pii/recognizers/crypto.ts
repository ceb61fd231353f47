import { hash } from 'node:crypto';
import { scan, type Candidate, type Recognizer } from '../recognizer.js';

// Legacy (P2PKH "1…", P2SH "3…") addresses in Base58 and SegWit "bc1…" addresses in Bech32, either
// all lower or all upper case (BIP-173: mixed case is invalid).
const BASE58_CANDIDATE = /(?<![\p{L}\p{N}_])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![\p{L}\p{N}_])/gu;
const BECH32_CANDIDATE =
  /(?<![\p{L}\p{N}_])(?:bc1[02-9ac-hj-np-z]{8,87}|BC1[02-9AC-HJ-NP-Z]{8,87})(?![\p{L}\p{N}_])/gu;

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BECH32 = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';

// One-shot hashing: about half the cost of a createHash object per call.
function sha256(data: Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
}

/** Base58Check (Bitcoin wiki, "Base58Check encoding"): 25 bytes, version 0x00 or 0x05, 4-byte double-SHA-256 checksum. */
function isBase58CheckAddress(address: string): boolean {
  // The base-58 value as 25 big-endian bytes, multiplied in place digit by digit (no BigInt).
  const bytes = new Uint8Array(25);
  for (let i = 0; i < address.length; i++) {
    let carry = BASE58.indexOf(address[i]!);
    for (let j = 24; j >= 0; j--) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    if (carry !== 0) return false; // wider than 25 bytes: not an address
  }
  // Each leading '1' encodes a leading zero byte.
  const leadingOnes = address.length - address.replace(/^1+/, '').length;
  const leadingZeros = bytes.findIndex((b) => b !== 0);
  if (leadingZeros !== leadingOnes) return false;
  if (bytes[0] !== 0x00 && bytes[0] !== 0x05) return false;
  const check = sha256(sha256(bytes.subarray(0, 21)));
  return check.subarray(0, 4).equals(bytes.subarray(21));
}

/** BIP-173 polymod over the expanded human-readable part and data values. */
function bech32Polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = (((chk & 0x1ffffff) << 5) ^ v) >>> 0;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk = (chk ^ gen[i]!) >>> 0;
  }
  return chk;
}

/**
 * A mainnet SegWit address: BIP-173 Bech32 checksum for witness version 0 (20- or 32-byte
 * program), BIP-350 Bech32m for versions 1–16.
 */
function isBech32Address(address: string): boolean {
  const lower = address.toLowerCase();
  const data = [...lower.slice(3)].map((c) => BECH32.indexOf(c));
  if (data.length < 7 || data.some((v) => v < 0)) return false;
  const hrp = [3, 3, 0, 2, 3]; // "bc" expanded: high bits, 0, low bits (BIP-173 §Checksum)
  const constant = bech32Polymod([...hrp, ...data]);
  const version = data[0]!;
  if (version > 16) return false;
  const programBits = (data.length - 7) * 5;
  const programBytes = Math.floor(programBits / 8);
  if (programBits % 8 > 4 || programBytes < 2 || programBytes > 40) return false;
  if (version === 0) return constant === 1 && (programBytes === 20 || programBytes === 32);
  return constant === 0x2bc830a3;
}

function toCrypto(m: RegExpExecArray, valid: (s: string) => boolean): Candidate | null {
  if (!valid(m[0])) return null;
  return { entity_type: 'CRYPTO', start: m.index, end: m.index + m[0].length, score: 1 };
}

/** CRYPTO: Bitcoin addresses whose Base58Check or Bech32/Bech32m checksum holds; score 1. */
export const cryptoRecognizer: Recognizer = {
  entities: ['CRYPTO'],
  cues: {
    CRYPTO: { support: ['wallet', 'btc', 'bitcoin', 'crypto', 'address', 'кошелек', 'кошелёк'], against: [] },
  },
  detect: (text) => [
    ...scan(text, BASE58_CANDIDATE, (m) => toCrypto(m, isBase58CheckAddress)),
    ...scan(text, BECH32_CANDIDATE, (m) => toCrypto(m, isBech32Address)),
  ],
};
