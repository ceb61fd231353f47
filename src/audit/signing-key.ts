import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { GatehouseError } from '../errors.js';
import {
  NoteError,
  formatVerifierKey,
  generateSignerKey,
  parseSignerKey,
  type NoteSigner,
} from './formats/note.js';

// The checkpoint signing key never lives in the database: a DBA who can rewrite the tables still
// cannot sign a checkpoint for the rewritten tree. It comes from GATEHOUSE_AUDIT_KEY or from
// `<dataDir>/audit.key` (mode 0600), created on first use. Several keys (one per line) all sign,
// which is how a key is rotated: add the new key, let verifiers learn it, then drop the old one.

/** The file holding the signer keys when GATEHOUSE_AUDIT_KEY is unset. */
export function auditKeyPath(config: Config): string {
  return join(config.dataDir, 'audit.key');
}

function parseSigners(text: string, from: string): NoteSigner[] {
  const keys = text
    .split(/\s+/)
    .filter((k) => k !== '' && !k.startsWith('#'))
    .map((k) => {
      try {
        return parseSignerKey(k);
      } catch (err) {
        const why = err instanceof NoteError ? err.message : String(err);
        throw new GatehouseError('config_invalid', `audit key in ${from}: ${why}`);
      }
    });
  if (keys.length === 0) throw new GatehouseError('config_invalid', `no audit signer key in ${from}`);
  return keys;
}

// Written under a temporary name and linked into place, so two processes starting on one data
// directory agree on a single key: the second link fails and that process reads the first's file.
function createKeyFile(path: string, name: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(tmp, generateSignerKey(name).signerKey + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * The checkpoint signers, in signing order: from `auditKey` (GATEHOUSE_AUDIT_KEY) when set, else from
 * `<dataDir>/audit.key`, which is created with a fresh key named after `auditOrigin` when missing
 * (unless `create` is false). Throws `config_invalid` on a missing, unreadable or malformed key.
 */
export function loadAuditSigners(config: Config, create = true): NoteSigner[] {
  if (config.auditKey) return parseSigners(config.auditKey, 'GATEHOUSE_AUDIT_KEY');
  const path = auditKeyPath(config);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
      throw new GatehouseError('config_invalid', `cannot read ${path}: ${(err as Error).message}`);
    }
    createKeyFile(path, config.auditOrigin);
    text = readFileSync(path, 'utf8');
  }
  return parseSigners(text, path);
}

const cache = new WeakMap<Config, NoteSigner[]>();

/** loadAuditSigners, read once per (frozen) config object. */
export function auditSigners(config: Config): NoteSigner[] {
  let signers = cache.get(config);
  if (!signers) {
    signers = loadAuditSigners(config);
    cache.set(config, signers);
  }
  return signers;
}

/** The verifier keys (C2SP vkey strings) of the signers, one per signer, in order. */
export function auditVerifierKeys(config: Config): string[] {
  return auditSigners(config).map((s) => formatVerifierKey(s.name, s.publicKey));
}
