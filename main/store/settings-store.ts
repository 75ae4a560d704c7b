import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defaultSettings, settingsSchema, type Settings, type SettingsPatch } from '../../shared/settings.ts';
import type { SqliteDatabase } from './database.ts';

/**
 * What the settings need to keep the local API's secret encrypted at rest: the vault's SecretCipher
 * fits. Declared here because the vault sits above the store and the store must not import it.
 */
export interface SettingsSecretCipher {
  encrypt(plaintext: string): Buffer;
  /** Throws when the blob cannot be decrypted (key lost, keyring changed, blob corrupt). */
  decrypt(blob: Buffer): string;
}

type SettingKey = keyof Settings;
const localApiSecretKey = 'localApiSecret';

/**
 * The user's settings, one JSON value per key in the `settings` table. A value that no longer parses
 * (an older version's, a hand edit) is replaced by its default rather than breaking the app. The local
 * API's secret is the one secret here: it goes through the same cipher as account secrets.
 */
export class SettingsStore {
  readonly #db: SqliteDatabase;
  readonly #cipher: SettingsSecretCipher;
  readonly #read;
  readonly #write;
  #cache: Settings | undefined;

  constructor(db: SqliteDatabase, cipher: SettingsSecretCipher) {
    this.#db = db;
    this.#cipher = cipher;
    this.#read = db.prepare<[], { key: string; value_json: string }>('SELECT key, value_json FROM settings');
    this.#write = db.prepare<[string, string]>(
      'INSERT INTO settings (key, value_json) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json',
    );
  }

  get(): Settings {
    this.#cache ??= this.#load();
    return structuredClone(this.#cache);
  }

  /** Apply a validated patch; returns the settings after it. */
  update(patch: SettingsPatch): Settings {
    const current = this.get();
    // A key present with the value undefined (a structured clone keeps it) changes nothing.
    const defined = (values: object) => Object.entries(values).filter(([, value]) => value !== undefined);
    const next: Settings = {
      ...current,
      ...Object.fromEntries(defined(patch).filter(([key]) => key !== 'localApi' && key !== 'processing')),
      localApi: { ...current.localApi, ...Object.fromEntries(defined(patch.localApi ?? {})) },
      processing: { ...current.processing, ...Object.fromEntries(defined(patch.processing ?? {})) },
    };
    if (next.localApi.enabled && next.localApi.secret === '') next.localApi.secret = newLocalApiSecret();
    return this.#save(next);
  }

  /** Replace the local API's secret with a new random one; returns the settings after it. */
  rotateLocalApiSecret(): Settings {
    const current = this.get();
    return this.#save({ ...current, localApi: { ...current.localApi, secret: newLocalApiSecret() } });
  }

  #save(next: Settings): Settings {
    settingsSchema.parse(next); // a patch is validated by the contract; this guards the merge
    this.#db.transaction(() => {
      for (const key of Object.keys(next) as SettingKey[]) {
        if (key === 'localApi') {
          const { secret, ...rest } = next.localApi;
          this.#write.run('localApi', JSON.stringify(rest));
          this.#write.run(localApiSecretKey, JSON.stringify(this.#cipher.encrypt(secret).toString('base64')));
        } else {
          this.#write.run(key, JSON.stringify(next[key]));
        }
      }
    })();
    this.#cache = next;
    return structuredClone(next);
  }

  #load(): Settings {
    const stored = new Map(this.#read.all().map((row) => [row.key, row.value_json]));
    const settings = structuredClone(defaultSettings);
    const shape = settingsSchema.shape;
    for (const key of Object.keys(shape) as SettingKey[]) {
      const raw = stored.get(key);
      if (raw === undefined) continue;
      const schema =
        key === 'localApi'
          ? shape.localApi.omit({ secret: true }).partial()
          : key === 'processing'
            ? shape.processing.partial() // settings added later keep their defaults
            : shape[key];
      const parsed = (schema as z.ZodType).safeParse(safeJson(raw));
      if (!parsed.success) continue;
      if (key === 'localApi') Object.assign(settings.localApi, parsed.data);
      else if (key === 'processing') Object.assign(settings.processing, parsed.data);
      else (settings as Record<string, unknown>)[key] = parsed.data;
    }
    const secret = stored.get(localApiSecretKey);
    if (secret !== undefined) {
      try {
        settings.localApi.secret = this.#cipher.decrypt(
          Buffer.from(z.string().parse(safeJson(secret)), 'base64'),
        );
      } catch {
        // The key changed (keyring reset): a new secret is made the next time the API is enabled.
        settings.localApi.enabled = false;
      }
    }
    return settings;
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** 32 random bytes, URL-safe: what Typora or Obsidian send as `?key=` or the `x-ferry-key` header. */
export function newLocalApiSecret(): string {
  return randomBytes(32).toString('base64url');
}
