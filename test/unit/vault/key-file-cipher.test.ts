import { readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
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
    expect(cipher.isStrong).toBe(false);
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

  it('refuses a damaged key file instead of using it', () => {
    const keyFile = join(tempDir(), 'vault.key');
    writeFileSync(keyFile, 'too short', { mode: 0o600 });
    expect(() => createKeyFileCipher(keyFile)).toThrow(/damaged/);
  });
});

describe('vault', () => {
  it('stores only ciphertext in SQLite and reports lost keys as needing re-entry', () => {
    const dir = tempDir();
    const dbFile = join(dir, 'ferry.db');
    const db = openDatabase(dbFile);
    const accounts = new AccountStore(db);
    accounts.add({ id: 'acc', providerId: 'tencent-im', name: 'Mine', fields: {} });
    const vault = new Vault(db, createKeyFileCipher(join(dir, 'vault.key')));
    vault.set('acc', { userSig: 'plain-secret-value-123' });
    expect(vault.read('acc')).toEqual({ userSig: 'plain-secret-value-123' });
    expect(vault.keys('acc')).toEqual(['userSig']);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(dbFile).includes(Buffer.from('plain-secret-value-123'))).toBe(false);

    const withLostKey = new Vault(db, createKeyFileCipher(join(dir, 'another.key')));
    expect(() => withLostKey.read('acc')).toThrow(VaultUnreadableError);
    db.close();
  });
});
