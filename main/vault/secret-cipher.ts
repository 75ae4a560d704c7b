/**
 * How the vault turns secrets into bytes at rest and back. Injected: Electron's `safeStorage` in the
 * desktop app (main/electron/), a key file for the web shell and the CLI.
 */
export interface SecretCipher {
  /** Shown to the user: how well secrets are protected on this machine. */
  readonly kind: 'os-keychain' | 'key-file';
  /** False where the protection is weak (a key file beside the data, Linux's basic_text backend). */
  readonly isStrong: boolean;
  encrypt(plaintext: string): Buffer;
  /** Throws when the blob cannot be decrypted (key lost, keyring changed, blob corrupt). */
  decrypt(blob: Buffer): string;
}
