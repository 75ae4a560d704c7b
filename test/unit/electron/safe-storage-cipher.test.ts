import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createElectronCipher,
  createSafeStorageCipher,
  describeSafeStorage,
} from '../../../main/electron/safe-storage-cipher.ts';
import { openDatabase } from '../../../main/store/database.ts';
import { AccountStore } from '../../../main/store/account-store.ts';
import { Vault, VaultUnreadableError } from '../../../main/vault/vault.ts';
import { tempDir } from '../../support/temp.ts';
import { FakeSafeStorage } from './fakes.ts';

// Electron's safeStorage is mocked (FakeSafeStorage): the Electron binary cannot run on these machines.
describe('safeStorage cipher (mocked Electron safeStorage)', () => {
  it('round-trips through safeStorage and never stores the plaintext', () => {
    const safeStorage = new FakeSafeStorage();
    const cipher = createSafeStorageCipher(safeStorage, 'linux');
    const blob = cipher.encrypt('user-sig-value-42');
    expect(blob.includes(Buffer.from('user-sig-value-42'))).toBe(false);
    expect(cipher.decrypt(blob)).toBe('user-sig-value-42');
    expect(safeStorage.encryptCalls).toBe(1);
  });

  it.each([
    ['linux', 'gnome_libsecret', /GNOME keyring/],
    ['linux', 'kwallet6', /KWallet 6/],
    ['darwin', 'unknown', /macOS Keychain/],
    ['win32', 'unknown', /DPAPI/],
  ] as const)('on %s with backend %s it is secure', (platform, backend, note) => {
    const status = describeSafeStorage(new FakeSafeStorage({ backend }), platform);
    expect(status).toMatchObject({ secure: true, kind: 'os-keychain' });
    expect(status.note).toMatch(note);
  });

  it("treats Linux's basic_text backend as no secure storage, and says why", () => {
    const status = describeSafeStorage(new FakeSafeStorage({ backend: 'basic_text' }), 'linux');
    expect(status.secure).toBe(false);
    expect(status.note).toMatch(/No secure storage.*no keyring.*basic_text.*Install/s);
  });

  it('reports unavailable encryption as not secure and refuses to encrypt', () => {
    const safeStorage = new FakeSafeStorage({ available: false });
    expect(describeSafeStorage(safeStorage, 'darwin')).toMatchObject({ secure: false });
    expect(() => createSafeStorageCipher(safeStorage, 'darwin').encrypt('x')).toThrow(/no secure storage/);
  });

  it('a changed keyring cannot decrypt: the vault marks the account for re-entry', () => {
    const dir = tempDir();
    const db = openDatabase(join(dir, 'ferry.db'));
    new AccountStore(db).add({ id: 'acc', providerId: 'tencent-im', name: 'A', fields: {} });
    new Vault(db, createSafeStorageCipher(new FakeSafeStorage(), 'linux')).set('acc', {
      userSig: 'sig-1234',
    });
    const afterKeyringChange = new Vault(db, createSafeStorageCipher(new FakeSafeStorage(), 'linux'));
    expect(afterKeyringChange.unreadableKeys('acc')).toEqual(['userSig']);
    expect(() => afterKeyringChange.read('acc')).toThrow(VaultUnreadableError);
    db.close();
  });
});

describe('the desktop app cipher choice (mocked Electron safeStorage)', () => {
  it('uses safeStorage where it is secure, creating no key file', () => {
    const keyFile = join(tempDir(), 'vault.key');
    const cipher = createElectronCipher({ safeStorage: new FakeSafeStorage(), platform: 'linux', keyFile });
    expect(cipher.describe()).toMatchObject({ secure: true, kind: 'os-keychain' });
    expect(existsSync(keyFile)).toBe(false);
  });

  it.each([
    ['basic_text', { backend: 'basic_text' as const }],
    ['unavailable', { available: false }],
  ])(
    'falls back to a 0600 key file when safeStorage is %s, and says there is no secure storage',
    (_label, fake) => {
      const keyFile = join(tempDir(), 'vault.key');
      const safeStorage = new FakeSafeStorage(fake);
      const cipher = createElectronCipher({ safeStorage, platform: 'linux', keyFile });
      const status = cipher.describe();
      expect(status).toMatchObject({ secure: false, kind: 'key-file' });
      expect(status.note).toMatch(/No secure storage.*key file/s);
      expect(cipher.decrypt(cipher.encrypt('secret-value'))).toBe('secret-value');
      expect(safeStorage.encryptCalls).toBe(0);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    },
  );
});
