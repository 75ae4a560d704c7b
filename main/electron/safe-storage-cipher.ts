import type { SafeStorage } from 'electron';
import { createKeyFileCipher } from '../vault/key-file-cipher.ts';
import type { CipherDescription, SecretCipher } from '../vault/secret-cipher.ts';

/** The part of Electron's `safeStorage` the vault uses; tests pass a fake (no Electron binary here). */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

const linuxKeyrings: Record<string, string> = {
  gnome_libsecret: 'the GNOME keyring (libsecret)',
  kwallet: 'KWallet',
  kwallet5: 'KWallet 5',
  kwallet6: 'KWallet 6',
};

/** Linux backends that protect nothing: basic_text encrypts with a fixed key published in Chromium's source. */
function isInsecureLinuxBackend(backend: string): boolean {
  return !(backend in linuxKeyrings);
}

/**
 * What safeStorage gives on this machine. Must be asked after the app's `ready` (before it, Linux
 * reports the backend as `unknown`).
 */
export function describeSafeStorage(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): CipherDescription {
  if (!safeStorage.isEncryptionAvailable()) {
    return {
      secure: false,
      kind: 'os-keychain',
      note: 'No secure storage on this system: the operating system offers Electron no way to encrypt secrets.',
    };
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (isInsecureLinuxBackend(backend)) {
      return {
        secure: false,
        kind: 'os-keychain',
        note:
          `No secure storage on this system: no keyring was found (backend "${backend}"), so secrets would ` +
          'be encrypted with a key anyone can look up. Install and unlock GNOME Keyring or KWallet, restart ' +
          'Ferry and enter your secrets again.',
      };
    }
    return {
      secure: true,
      kind: 'os-keychain',
      note: `Secrets are encrypted with a key kept in ${linuxKeyrings[backend]}.`,
    };
  }
  const store =
    platform === 'darwin'
      ? 'your macOS Keychain'
      : platform === 'win32'
        ? 'Windows (DPAPI, your user account)'
        : 'your system keychain';
  return { secure: true, kind: 'os-keychain', note: `Secrets are encrypted with a key kept by ${store}.` };
}

/** A SecretCipher over Electron's safeStorage (OS keychain, DPAPI, libsecret/KWallet). */
export function createSafeStorageCipher(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretCipher {
  return {
    describe: () => describeSafeStorage(safeStorage, platform),
    encrypt(plaintext) {
      if (!safeStorage.isEncryptionAvailable())
        throw new Error('The system offers no secure storage (Electron safeStorage is unavailable).');
      return safeStorage.encryptString(plaintext);
    },
    // Throws on a blob from another keyring or machine: the vault marks the account "needs re-entry".
    decrypt: (blob) => safeStorage.decryptString(blob),
  };
}

/**
 * The desktop app's cipher: safeStorage where it protects something. Where it does not (no
 * encryption at all, or Linux's basic_text with its public key) the vault's own random key in a 0600
 * file is the stronger choice; either way the account screen says there is no secure storage, and why.
 * Switching later (a keyring installed) leaves the old secrets unreadable: those accounts ask for
 * re-entry, which is the point.
 */
export function createElectronCipher(options: {
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  keyFile: string;
}): SecretCipher {
  const safe = createSafeStorageCipher(options.safeStorage, options.platform);
  const status = safe.describe();
  if (status.secure) return safe;
  const keyFile = createKeyFileCipher(options.keyFile);
  const note = `${status.note} Until then Ferry uses its own key file: ${keyFile.describe().note}`;
  return { ...keyFile, describe: () => ({ secure: false, kind: 'key-file', note }) };
}
