import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadSharp } from '../../thumbnails/sharp-loader.ts';
import { THUMBNAIL_THRESHOLD_BYTES } from './easemob-protocol.ts';

export interface StoredChatfile {
  uuid: string;
  size: number;
  sha256: string;
  fileName: string;
  contentType: string;
  restricted: boolean;
  shareSecret: string;
  thumbnailWidth: number;
  thumbnailHeight: number;
  createdAt: number;
}

/** A file part received to disk but not yet a chat file: the upload may still be refused or abandoned. */
export interface ReceivedPart {
  tempPath: string;
  size: number;
  sha256: string;
  /** The part was cut off at the size limit. */
  truncated: boolean;
}

export interface Thumbnail {
  bytes: Buffer;
  contentType: string;
  width: number;
  height: number;
}

/** Only well-formed UUIDs ever reach the file system, so `..` and separators cannot. */
export const CHATFILE_UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Chat files on disk: `objects/<uuid>` holds the bytes, `objects/<uuid>.json` what Easemob knows about
 * them. Uploads stream into `incoming/` and are
 * renamed into place only when the server decides to keep them.
 */
export class ChatfileStore {
  readonly #root: string;
  readonly #objects = new Map<string, StoredChatfile>();
  readonly #thumbnails = new Map<string, Promise<Thumbnail | undefined>>();

  private constructor(root: string) {
    this.#root = root;
  }

  static async open(root: string): Promise<ChatfileStore> {
    const store = new ChatfileStore(root);
    await Promise.all(['objects', 'incoming'].map((dir) => mkdir(join(root, dir), { recursive: true })));
    // Leftovers of uploads that never finished before a restart.
    for (const name of await readdir(join(root, 'incoming')))
      await rm(join(root, 'incoming', name), { force: true });
    for (const name of await readdir(join(root, 'objects'))) {
      if (!name.endsWith('.json')) continue;
      const meta = JSON.parse(await readFile(join(root, 'objects', name), 'utf8')) as StoredChatfile;
      if (CHATFILE_UUID_PATTERN.test(meta.uuid)) store.#objects.set(meta.uuid, meta);
    }
    return store;
  }

  /** Stream one file part to `incoming/`, hashing it and stopping at `limit` bytes. */
  async receive(part: Readable & { truncated?: boolean }): Promise<ReceivedPart> {
    const tempPath = join(this.#root, 'incoming', randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(part, counter, createWriteStream(tempPath));
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
    return { tempPath, size, sha256: hash.digest('hex'), truncated: part.truncated === true };
  }

  async discard(part: ReceivedPart): Promise<void> {
    await rm(part.tempPath, { force: true });
  }

  /** Keep a received part as a chat file with a new uuid and share-secret. */
  async commit(
    part: ReceivedPart,
    facts: Pick<
      StoredChatfile,
      'fileName' | 'contentType' | 'restricted' | 'thumbnailWidth' | 'thumbnailHeight'
    >,
  ): Promise<StoredChatfile> {
    const uuid = randomUUID();
    const object: StoredChatfile = {
      uuid,
      size: part.size,
      sha256: part.sha256,
      ...facts,
      shareSecret: randomBytes(24).toString('base64url'),
      createdAt: Date.now(),
    };
    await rename(part.tempPath, this.objectPath(uuid));
    await writeFile(join(this.#root, 'objects', `${uuid}.json`), JSON.stringify(object));
    this.#objects.set(uuid, object);
    return object;
  }

  get(uuid: string): StoredChatfile | undefined {
    return CHATFILE_UUID_PATTERN.test(uuid) ? this.#objects.get(uuid) : undefined;
  }

  list(): StoredChatfile[] {
    return [...this.#objects.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  objectPath(uuid: string): string {
    return join(this.#root, 'objects', uuid);
  }

  /**
   * What to serve for `thumbnail: true`: images up to 10 KB are their own thumbnail (undefined: serve
   * the file); larger ones get one made to fit the requested box, kept in memory (a few KB each).
   * Anything sharp cannot decode (a video, a PDF) is served as it is (guess: Easemob's behaviour
   * there is not documented).
   */
  thumbnail(object: StoredChatfile): Promise<Thumbnail | undefined> {
    if (object.size <= THUMBNAIL_THRESHOLD_BYTES) return Promise.resolve(undefined);
    let made = this.#thumbnails.get(object.uuid);
    if (made === undefined) {
      made = this.#makeThumbnail(object);
      this.#thumbnails.set(object.uuid, made);
    }
    return made;
  }

  async #makeThumbnail(object: StoredChatfile): Promise<Thumbnail | undefined> {
    try {
      const { sharp } = await loadSharp();
      const { data, info } = await sharp(this.objectPath(object.uuid))
        .rotate()
        .resize(object.thumbnailWidth, object.thumbnailHeight, { fit: 'inside', withoutEnlargement: true })
        .toBuffer({ resolveWithObject: true });
      return { bytes: data, contentType: `image/${info.format}`, width: info.width, height: info.height };
    } catch {
      return undefined;
    }
  }
}
