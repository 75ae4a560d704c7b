/** How well secrets are protected on this machine, as the account screen tells the user. */
export interface CipherDescription {
  /** False where the protection is weak: a key file beside the data, Linux's basic_text backend. */
  secure: boolean;
  kind: 'os-keychain' | 'key-file';
  /** One sentence for the user: what protects the secrets, and what does not. */
  note: string;
}

/**
 * How the vault turns secrets into bytes at rest and back. Injected: Electron's `safeStorage` in the
 * desktop app (main/electron/), a key file for the web shell and the CLI.
 */
export interface SecretCipher {
  describe(): CipherDescription;
  encrypt(plaintext: string): Buffer;
  /** Throws when the blob cannot be decrypted (key lost, keyring changed, blob corrupt). */
  decrypt(blob: Buffer): string;
}
