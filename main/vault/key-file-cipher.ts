import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import type { SecretCipher } from './secret-cipher.ts';

const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
/** Format byte, so a later scheme can be told apart from this one. */
const version = 1;

export const keyFileNote =
  'Secrets are encrypted with a key kept in a file readable only by your user (vault.key, mode 0600) ' +
  'beside the data. This protects copies of the database, not against someone who can read your files.';

/**
 * Load the key from `keyFile`, creating it (mode 0600, exclusive create so two processes cannot write
 * different keys) on first use. A damaged key file (wrong length) is set aside, not deleted, and a new
 * key begins: the secrets it protected are lost either way, and their accounts ask for re-entry.
 */
function loadOrCreateKey(keyFile: string): Buffer {
  const key = readOrCreateKey(keyFile);
  if (key.length === keyBytes) return key;
  renameSync(keyFile, `${keyFile}.damaged-${Date.now()}`);
  return readOrCreateKey(keyFile);
}

function readOrCreateKey(keyFile: string): Buffer {
  try {
    const fd = openSync(keyFile, 'wx', 0o600);
    try {
      writeSync(fd, randomBytes(keyBytes));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A key readable by others is no key: tighten it rather than trust it (umask or a copy may widen it).
  if ((statSync(keyFile).mode & 0o077) !== 0 && process.platform !== 'win32') chmodSync(keyFile, 0o600);
  return readFileSync(keyFile);
}

/**
 * AES-256-GCM with a random key in a 0600 file. Weaker than the OS keychain — anyone who can read the
 * user's files can read the key — which is why `describe()` says it is not secure, and the docs say so. Used by the web
 * shell and the CLI, where no Electron `safeStorage` exists.
 */
export function createKeyFileCipher(keyFile: string): SecretCipher {
  const key = loadOrCreateKey(keyFile);
  return {
    describe: () => ({ secure: false, kind: 'key-file', note: keyFileNote }),
    encrypt(plaintext) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.of(version), iv, cipher.getAuthTag(), body]);
    },
    decrypt(blob) {
      if (blob.length < 1 + ivBytes + tagBytes || blob[0] !== version)
        throw new Error('unknown secret format');
      const iv = blob.subarray(1, 1 + ivBytes);
      const tag = blob.subarray(1 + ivBytes, 1 + ivBytes + tagBytes);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(blob.subarray(1 + ivBytes + tagBytes)),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
