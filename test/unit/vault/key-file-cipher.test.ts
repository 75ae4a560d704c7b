import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/database.ts';
import { AccountStore } from '../../../main/store/account-store.ts';
import { createKeyFileCipher } from '../../../main/vault/key-file-cipher.ts';
import { Vault, VaultUnreadableError } from '../../../main/vault/vault.ts';
import { tempDir } from '../../support/temp.ts';

describe('key-file cipher', () => {
  it('round-trips, with a fresh IV each time, and creates its key file with mode 0600', () => {
    const dir = tempDir();
    const keyFile = join(dir, 'vault.key');
    const cipher = createKeyFileCipher(keyFile);
    const a = cipher.encrypt('s3cr3t-usersig');
    const b = cipher.encrypt('s3cr3t-usersig');
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('s3cr3t-usersig'))).toBe(false);
    expect(cipher.decrypt(a)).toBe('s3cr3t-usersig');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // The key file is documented as the weaker protection, and says so to the account screen.
    expect(cipher.describe()).toMatchObject({ secure: false, kind: 'key-file' });
    expect(cipher.describe().note).toMatch(/0600.*not against someone who can read your files/s);
    // A second cipher on the same file reads the same key.
    expect(createKeyFileCipher(keyFile).decrypt(a)).toBe('s3cr3t-usersig');
  });

  it('tightens a key file that others can read', () => {
    const keyFile = join(tempDir(), 'vault.key');
    createKeyFileCipher(keyFile);
    chmodSync(keyFile, 0o644);
    createKeyFileCipher(keyFile);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('refuses to decrypt with another key, or a tampered blob', () => {
    const one = createKeyFileCipher(join(tempDir(), 'k'));
    const other = createKeyFileCipher(join(tempDir(), 'k'));
    const blob = one.encrypt('value');
    expect(() => other.decrypt(blob)).toThrow();
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => one.decrypt(tampered)).toThrow();
    expect(() => one.decrypt(Buffer.from('short'))).toThrow(/format/);
  });

  it('sets a damaged key file aside (kept, not used) and starts a new key instead of crashing', () => {
    const dir = tempDir();
    const keyFile = join(dir, 'vault.key');
    writeFileSync(keyFile, 'too short', { mode: 0o600 });
    const cipher = createKeyFileCipher(keyFile);
    expect(cipher.decrypt(cipher.encrypt('after'))).toBe('after');
    expect(readFileSync(keyFile)).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const aside = readdirSync(dir).filter((name) => name.startsWith('vault.key.damaged-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe('too short');
  });
});

describe('vault', () => {
  it('stores only ciphertext in SQLite and reports lost keys as needing re-entry', () => {
    const dir = tempDir();
    const dbFile = join(dir, 'ferry.db');
    const db = openDatabase(dbFile);
    const accounts = new AccountStore(db);
    accounts.add({ id: 'acc', providerId: 'tencent-im', name: 'Mine', fields: {} });
    const seen: string[] = [];
    const vault = new Vault(db, createKeyFileCipher(join(dir, 'vault.key')), {
      onSecret: (value) => seen.push(value),
    });
    vault.set('acc', { userSig: 'plain-secret-value-123' });
    expect(seen).toEqual(['plain-secret-value-123']); // received: registered with the redactor
    expect(vault.read('acc')).toEqual({ userSig: 'plain-secret-value-123' });
    expect(seen).toEqual(['plain-secret-value-123', 'plain-secret-value-123']); // decrypted: again
    expect(vault.keys('acc')).toEqual(['userSig']);
    expect(vault.unreadableKeys('acc')).toEqual([]);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(dbFile).includes(Buffer.from('plain-secret-value-123'))).toBe(false);

    const withLostKey = new Vault(db, createKeyFileCipher(join(dir, 'another.key')));
    expect(() => withLostKey.read('acc')).toThrow(VaultUnreadableError);
    expect(withLostKey.unreadableKeys('acc')).toEqual(['userSig']);
    // Re-entering the secret under the current key makes the account whole again.
    withLostKey.set('acc', { userSig: 'new-secret-value' });
    expect(withLostKey.unreadableKeys('acc')).toEqual([]);
    withLostKey.clear('acc', ['userSig']);
    expect(withLostKey.keys('acc')).toEqual([]);
    db.close();
  });
});
