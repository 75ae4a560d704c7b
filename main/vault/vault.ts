import type { SqliteDatabase } from '../store/database.ts';
import type { SecretCipher } from './secret-cipher.ts';

/** Decrypting an account's secrets failed: the key is gone or the data damaged. The account needs re-entry. */
export class VaultUnreadableError extends Error {
  readonly accountId: string;
  constructor(accountId: string, cause: unknown) {
    super('The saved credentials of this account cannot be decrypted; enter them again.', { cause });
    this.name = 'VaultUnreadableError';
    this.accountId = accountId;
  }
}

/**
 * Secret account fields, encrypted through the injected cipher before they touch SQLite. Plaintext
 * exists only in the main process, only while a request needs it.
 */
export class Vault {
  readonly #cipher: SecretCipher;
  readonly #put;
  readonly #forAccount;
  readonly #keys;

  constructor(db: SqliteDatabase, cipher: SecretCipher) {
    this.#cipher = cipher;
    this.#put = db.prepare<[string, string, Buffer]>(
      `INSERT INTO account_secrets (account_id, key, blob) VALUES (?, ?, ?)
       ON CONFLICT(account_id, key) DO UPDATE SET blob = excluded.blob`,
    );
    this.#forAccount = db.prepare<[string], { key: string; blob: Buffer }>(
      'SELECT key, blob FROM account_secrets WHERE account_id = ?',
    );
    this.#keys = db.prepare<[string], { key: string }>(
      'SELECT key FROM account_secrets WHERE account_id = ?',
    );
  }

  get cipher(): Pick<SecretCipher, 'kind' | 'isStrong'> {
    return this.#cipher;
  }

  set(accountId: string, secrets: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(secrets))
      this.#put.run(accountId, key, this.#cipher.encrypt(value));
  }

  /** Which secrets are set: the only thing about secrets that may leave the main process. */
  keys(accountId: string): string[] {
    return this.#keys.all(accountId).map((row) => row.key);
  }

  read(accountId: string): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const row of this.#forAccount.all(accountId)) {
      try {
        secrets[row.key] = this.#cipher.decrypt(row.blob);
      } catch (error) {
        throw new VaultUnreadableError(accountId, error);
      }
    }
    return secrets;
  }
}
