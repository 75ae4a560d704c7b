import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';

const storedObjectSchema = z.object({
  key: z.string().min(1),
  /** The chat download handle (`file_sign`); avatars are downloaded by `object_name` = key. */
  fileSign: z.string().optional(),
  /** file_signs handed out by the forwarding endpoint for the same object. */
  forwards: z.array(z.object({ fileSign: z.string(), toId: z.string(), toType: z.number() })),
  kind: z.enum(['chat', 'user-avatar', 'group-avatar']),
  fileType: z.number().optional(),
  toId: z.string().optional(),
  toType: z.number().optional(),
  actAs: z.object({ userId: z.string().optional(), groupId: z.string().optional() }),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string(),
  storedAt: z.string(),
});
export type StoredObject = z.infer<typeof storedObjectSchema>;
export type ObjectFacts = Omit<StoredObject, 'size' | 'sha256' | 'storedAt' | 'forwards'>;

export interface ReceivedFile {
  tempPath: string;
  size: number;
  sha256: string;
}

/**
 * The emulated bucket on disk: `objects/{sha256(key)}.bin` + `.json`. Keys never become paths
 * themselves, so whatever a client sends cannot escape the storage dir. Uploads land in `incoming/`
 * first and are renamed over the object, so a repeated POST to the same key replaces it atomically.
 */
export class ImFileStore {
  readonly #objectsDir: string;
  readonly #incomingDir: string;
  readonly #byKey = new Map<string, StoredObject>();
  readonly #keyBySign = new Map<string, string>();

  private constructor(dir: string) {
    this.#objectsDir = join(dir, 'objects');
    this.#incomingDir = join(dir, 'incoming');
  }

  static async open(dir: string): Promise<ImFileStore> {
    const store = new ImFileStore(dir);
    await mkdir(store.#objectsDir, { recursive: true });
    await rm(store.#incomingDir, { recursive: true, force: true });
    await mkdir(store.#incomingDir, { recursive: true });
    for (const name of await readdir(store.#objectsDir)) {
      if (!name.endsWith('.json')) continue;
      const parsed = storedObjectSchema.safeParse(
        JSON.parse(await readFile(join(store.#objectsDir, name), 'utf8')),
      );
      if (parsed.success) store.#index(parsed.data);
    }
    return store;
  }

  /** Stream one upload to a temp file, hashing on the way; never more than a chunk in memory. */
  async receive(source: Readable, onChunk?: (chunk: Buffer) => void): Promise<ReceivedFile> {
    const tempPath = join(this.#incomingDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        onChunk?.(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, counter, createWriteStream(tempPath));
    } catch (error) {
      await this.discard(tempPath);
      throw error;
    }
    return { tempPath, size, sha256: hash.digest('hex') };
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  /** Make a received file the object under its key; returns whether the key was new. */
  async commit(
    received: ReceivedFile,
    facts: ObjectFacts,
  ): Promise<{ object: StoredObject; created: boolean }> {
    const previous = this.#byKey.get(facts.key);
    const object: StoredObject = {
      ...facts,
      forwards: previous?.forwards ?? [],
      size: received.size,
      sha256: received.sha256,
      storedAt: new Date().toISOString(),
    };
    const base = this.#basePath(facts.key);
    await rename(received.tempPath, `${base}.bin`);
    await writeFile(`${base}.json`, JSON.stringify(object));
    if (previous?.fileSign) this.#keyBySign.delete(previous.fileSign);
    this.#index(object);
    return { object, created: previous === undefined };
  }

  async addForward(key: string, forward: StoredObject['forwards'][number]): Promise<void> {
    const object = this.#byKey.get(key);
    if (!object) throw new Error(`no object ${key}`);
    object.forwards.push(forward);
    this.#keyBySign.set(forward.fileSign, key);
    await writeFile(`${this.#basePath(key)}.json`, JSON.stringify(object));
  }

  byKey(key: string): StoredObject | undefined {
    return this.#byKey.get(key);
  }

  byFileSign(fileSign: string): StoredObject | undefined {
    const key = this.#keyBySign.get(fileSign);
    return key === undefined ? undefined : this.#byKey.get(key);
  }

  dataPath(key: string): string {
    return `${this.#basePath(key)}.bin`;
  }

  list(): StoredObject[] {
    return [...this.#byKey.values()].map((object) => structuredClone(object));
  }

  #index(object: StoredObject): void {
    this.#byKey.set(object.key, object);
    if (object.fileSign) this.#keyBySign.set(object.fileSign, object.key);
    for (const forward of object.forwards) this.#keyBySign.set(forward.fileSign, object.key);
  }

  #basePath(key: string): string {
    return join(this.#objectsDir, createHash('sha256').update(key).digest('hex'));
  }
}
