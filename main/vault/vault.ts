import type { SqliteDatabase } from '../store/database.ts';
import type { CipherDescription, SecretCipher } from './secret-cipher.ts';

/** Decrypting an account's secrets failed: the key is gone or the data damaged. The account needs re-entry. */
export class VaultUnreadableError extends Error {
  readonly accountId: string;
  constructor(accountId: string, cause: unknown) {
    super('The saved credentials of this account cannot be decrypted; enter them again.', { cause });
    this.name = 'VaultUnreadableError';
    this.accountId = accountId;
  }
}

export interface VaultOptions {
  /**
   * Told every plaintext the vault receives or decrypts, so the log redactor can remove it from every
   * line (and error messages) before they leave the main process.
   */
  onSecret?: (value: string) => void;
}

/**
 * Secret account fields, encrypted through the injected cipher before they touch SQLite. Plaintext
 * exists only in the main process, only while a request needs it.
 */
export class Vault {
  readonly #cipher: SecretCipher;
  readonly #onSecret: (value: string) => void;
  readonly #put;
  readonly #forAccount;
  readonly #keys;
  readonly #delete;

  constructor(db: SqliteDatabase, cipher: SecretCipher, options: VaultOptions = {}) {
    this.#cipher = cipher;
    this.#onSecret = options.onSecret ?? (() => {});
    this.#put = db.prepare<[string, string, Buffer]>(
      `INSERT INTO account_secrets (account_id, key, blob) VALUES (?, ?, ?)
       ON CONFLICT(account_id, key) DO UPDATE SET blob = excluded.blob`,
    );
    this.#forAccount = db.prepare<[string], { key: string; blob: Buffer }>(
      'SELECT key, blob FROM account_secrets WHERE account_id = ? ORDER BY key',
    );
    this.#keys = db.prepare<[string], { key: string }>(
      'SELECT key FROM account_secrets WHERE account_id = ? ORDER BY key',
    );
    this.#delete = db.prepare<[string, string]>(
      'DELETE FROM account_secrets WHERE account_id = ? AND key = ?',
    );
  }

  /** How the secrets are protected, for `vault.status` and the account screen. */
  describe(): CipherDescription {
    return this.#cipher.describe();
  }

  set(accountId: string, secrets: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(secrets)) {
      this.#onSecret(value);
      this.#put.run(accountId, key, this.#cipher.encrypt(value));
    }
  }

  /** Forget some of an account's secrets (the rows go with the account when it is removed). */
  clear(accountId: string, keys: readonly string[]): void {
    for (const key of keys) this.#delete.run(accountId, key);
  }

  /** Which secrets are set: the only thing about secrets that may leave the main process. */
  keys(accountId: string): string[] {
    return this.#keys.all(accountId).map((row) => row.key);
  }

  /** The keys whose blobs do not decrypt (key lost, keyring changed, blob damaged): they need re-entry. */
  unreadableKeys(accountId: string): string[] {
    const unreadable: string[] = [];
    for (const row of this.#forAccount.all(accountId)) {
      try {
        this.#onSecret(this.#cipher.decrypt(row.blob));
      } catch {
        unreadable.push(row.key);
      }
    }
    return unreadable;
  }

  read(accountId: string): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const row of this.#forAccount.all(accountId)) {
      let value: string;
      try {
        value = this.#cipher.decrypt(row.blob);
      } catch (error) {
        throw new VaultUnreadableError(accountId, error);
      }
      this.#onSecret(value);
      secrets[row.key] = value;
    }
    return secrets;
  }
}
