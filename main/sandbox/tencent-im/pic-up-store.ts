import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { constants as fsConstants, createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readImageSize } from './image-size.ts';
import { FILE_TYPES, SLICE_ALIGNMENT, inconsistent } from './pic-up-server-protocol.ts';
import type { PicUpRejection, PicUpSliceRequest } from './pic-up-server-protocol.ts';
import { addRange, contiguousPrefix, truncateRanges } from './received-ranges.ts';
import type { ByteRange } from './received-ranges.ts';

/** `File_UUID`s are v4 UUIDs; anything else in a download path is refused before touching the disk. */
export const FILE_UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const fileTypeSchema = z.literal([1, 2, 3, 4]);
const uintSchema = z.number().int().nonnegative();

/** What identifies one upload across its slices (a guess: docs/providers.md#tencent-cloud-im). */
const uploadKeySchema = z.object({
  fromAccount: z.string(),
  timestamp: uintSchema,
  random: uintSchema,
  fileMd5: z.string().regex(/^[0-9a-f]{32}$/),
});
type UploadKeyParts = z.infer<typeof uploadKeySchema>;

const storedObjectSchema = z.object({
  uuid: z.string().regex(FILE_UUID_PATTERN),
  size: uintSchema,
  md5: z.string().regex(/^[0-9a-f]{32}$/),
  fileType: fileTypeSchema,
  width: uintSchema,
  height: uintSchema,
  createdAt: z.string(),
  upload: uploadKeySchema,
});
export type StoredObject = z.infer<typeof storedObjectSchema>;

const partialUploadSchema = z.object({
  upload: uploadKeySchema,
  fileSize: uintSchema,
  fileType: fileTypeSchema,
  ranges: z.array(z.tuple([uintSchema, uintSchema])),
});
type PartialUpload = Omit<z.infer<typeof partialUploadSchema>, 'ranges'> & {
  id: string;
  ranges: ByteRange[];
};

export type SliceOutcome =
  | { kind: 'progress'; nextOffset: number }
  /** `created` is false when the upload had already completed (an idempotent repeat). */
  | { kind: 'complete'; object: StoredObject; created: boolean }
  | { kind: 'rejected'; rejection: PicUpRejection; nextOffset: number };

/**
 * The emulator's disk: completed objects as `{uuid}.bin` + `{uuid}.json` in the storage dir, uploads
 * in progress as `partial/{id}.part` (bytes written at their offsets) + `partial/{id}.json` (the
 * received ranges). Both survive a restart, so download links stay valid and an interrupted upload
 * resumes from the server's `Next_Offset` like it would against the real service.
 */
export class PicUpStore {
  readonly #dir: string;
  readonly #partialDir: string;
  readonly #objects = new Map<string, StoredObject>();
  readonly #completedByKey = new Map<string, string>();
  readonly #partials = new Map<string, PartialUpload>();
  readonly #locks = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();

  private constructor(dir: string) {
    this.#dir = dir;
    this.#partialDir = join(dir, 'partial');
  }

  static async open(dir: string): Promise<PicUpStore> {
    const store = new PicUpStore(dir);
    await mkdir(store.#partialDir, { recursive: true });
    await store.#loadObjects();
    await store.#loadPartials();
    return store;
  }

  getObject(uuid: string): StoredObject | undefined {
    return FILE_UUID_PATTERN.test(uuid) ? this.#objects.get(uuid) : undefined;
  }

  objectPath(uuid: string): string {
    if (!FILE_UUID_PATTERN.test(uuid)) throw new Error(`not a File_UUID: ${uuid}`);
    return join(this.#dir, `${uuid}.bin`);
  }

  listObjects(): StoredObject[] {
    return [...this.#objects.values()].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.uuid.localeCompare(b.uuid),
    );
  }

  /**
   * Store one slice that already passed `checkSliceShape`. Slices of one upload are handled one at a
   * time, so concurrent slices cannot both complete it.
   */
  receiveSlice(request: PicUpSliceRequest): Promise<SliceOutcome> {
    const key = uploadKeyOf(request);
    return this.#serialised(key, () => this.#receive(key, request));
  }

  /** Forget the bytes at and after `toOffset` of the request's upload (a server losing data). */
  rewind(request: PicUpSliceRequest, toOffset: number): Promise<SliceOutcome> {
    const key = uploadKeyOf(request);
    return this.#serialised(key, async () => {
      const done = this.#completedObject(key);
      if (done) return { kind: 'complete', object: done, created: false };
      const partial = this.#partials.get(key);
      if (!partial) return { kind: 'progress', nextOffset: 0 };
      partial.ranges = truncateRanges(partial.ranges, toOffset);
      const partPath = this.#partPath(partial);
      const size = await fileSize(partPath);
      if (size !== undefined && size > toOffset) await truncate(partPath, toOffset);
      await this.#savePartial(partial);
      return { kind: 'progress', nextOffset: nextOffsetOf(partial) };
    });
  }

  /** Resolves once no slice is being written, so the storage dir can be closed or removed. */
  async whenIdle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  async #receive(key: string, request: PicUpSliceRequest): Promise<SliceOutcome> {
    const done = this.#completedObject(key);
    if (done) {
      if (done.size !== request.fileSize) {
        return { kind: 'rejected', rejection: fileSizeMismatch(request, done.size), nextOffset: done.size };
      }
      // A client retry of a slice whose answer got lost: the same object again, never a second one.
      return { kind: 'complete', object: done, created: false };
    }
    let partial = this.#partials.get(key);
    if (partial && partial.fileSize !== request.fileSize) {
      return {
        kind: 'rejected',
        rejection: fileSizeMismatch(request, partial.fileSize),
        nextOffset: nextOffsetOf(partial),
      };
    }
    if (!partial) {
      partial = {
        id: createHash('sha256').update(key).digest('hex').slice(0, 32),
        upload: keyPartsOf(request),
        fileSize: request.fileSize,
        fileType: request.fileType,
        ranges: [],
      };
      this.#partials.set(key, partial);
    }
    if (request.sliceSize > 0) {
      await writeAt(this.#partPath(partial), request.sliceOffset, request.sliceData);
      partial.ranges = addRange(partial.ranges, request.sliceOffset, request.sliceOffset + request.sliceSize);
      // Written after the bytes: a crash in between only makes the server ask for them again.
      await this.#savePartial(partial);
    }
    if (contiguousPrefix(partial.ranges) >= partial.fileSize) return this.#finish(key, partial);
    return { kind: 'progress', nextOffset: nextOffsetOf(partial) };
  }

  async #finish(key: string, partial: PartialUpload): Promise<SliceOutcome> {
    const partPath = this.#partPath(partial);
    if (partial.fileSize === 0) await writeFile(partPath, Buffer.alloc(0));
    const md5 = await md5OfFile(partPath);
    if (md5 !== partial.upload.fileMd5) {
      await this.#discardPartial(key, partial);
      return {
        kind: 'rejected',
        rejection: inconsistent(
          `File_Str_Md5 ${partial.upload.fileMd5} does not match the MD5 of the received bytes (${md5}); ` +
            'the upload was discarded',
        ),
        nextOffset: 0,
      };
    }
    const uuid = randomUUID();
    const binPath = join(this.#dir, `${uuid}.bin`);
    await rename(partPath, binPath);
    const { width, height } =
      partial.fileType === FILE_TYPES.image
        ? await readImageSize(binPath).catch(() => ({ width: 0, height: 0 }))
        : { width: 0, height: 0 };
    const object: StoredObject = {
      uuid,
      size: partial.fileSize,
      md5,
      fileType: partial.fileType,
      width,
      height,
      createdAt: new Date().toISOString(),
      upload: partial.upload,
    };
    // The metadata file is what makes an object exist on the next start; it goes last.
    await writeJsonAtomic(join(this.#dir, `${uuid}.json`), object);
    await rm(this.#partialMetaPath(partial), { force: true });
    this.#partials.delete(key);
    this.#objects.set(uuid, object);
    this.#completedByKey.set(key, uuid);
    return { kind: 'complete', object, created: true };
  }

  #completedObject(key: string): StoredObject | undefined {
    const uuid = this.#completedByKey.get(key);
    return uuid === undefined ? undefined : this.#objects.get(uuid);
  }

  async #discardPartial(key: string, partial: PartialUpload): Promise<void> {
    this.#partials.delete(key);
    await rm(this.#partPath(partial), { force: true });
    await rm(this.#partialMetaPath(partial), { force: true });
  }

  async #savePartial(partial: PartialUpload): Promise<void> {
    const { id: _id, ...persisted } = partial;
    await writeJsonAtomic(this.#partialMetaPath(partial), persisted);
  }

  #partPath(partial: PartialUpload): string {
    return join(this.#partialDir, `${partial.id}.part`);
  }

  #partialMetaPath(partial: PartialUpload): string {
    return join(this.#partialDir, `${partial.id}.json`);
  }

  #serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#locks.set(key, tail);
    this.#inFlight.add(tail);
    void tail.then(() => {
      this.#inFlight.delete(tail);
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    });
    return result;
  }

  async #loadObjects(): Promise<void> {
    const names = new Set(await readdir(this.#dir));
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        await rm(join(this.#dir, name), { force: true });
        continue;
      }
      const uuid = name.endsWith('.json') ? name.slice(0, -'.json'.length) : undefined;
      if (uuid === undefined || !FILE_UUID_PATTERN.test(uuid)) continue;
      const object = await readJson(join(this.#dir, name), storedObjectSchema);
      if (object === undefined || object.uuid !== uuid) continue;
      if ((await fileSize(join(this.#dir, `${uuid}.bin`))) !== object.size) continue;
      this.#objects.set(uuid, object);
      this.#completedByKey.set(uploadKeyOf(object.upload), uuid);
    }
    // Bytes renamed into place by an upload that crashed before its metadata was written.
    for (const name of names) {
      const uuid = name.endsWith('.bin') ? name.slice(0, -'.bin'.length) : undefined;
      if (uuid !== undefined && FILE_UUID_PATTERN.test(uuid) && !this.#objects.has(uuid)) {
        await rm(join(this.#dir, name), { force: true });
      }
    }
  }

  async #loadPartials(): Promise<void> {
    const names = await readdir(this.#partialDir);
    const kept = new Set<string>();
    for (const name of names) {
      if (!name.endsWith('.json')) continue;
      const id = name.slice(0, -'.json'.length);
      const stored = await readJson(join(this.#partialDir, name), partialUploadSchema);
      if (stored === undefined) continue;
      const key = uploadKeyOf(stored.upload);
      const onDisk = (await fileSize(join(this.#partialDir, `${id}.part`))) ?? 0;
      if (this.#completedByKey.has(key)) continue;
      let ranges: ByteRange[] = [];
      for (const [start, end] of stored.ranges) ranges = addRange(ranges, start, end);
      // Never claim bytes the part file does not hold (a crash can leave the metadata ahead).
      ranges = truncateRanges(ranges, Math.min(onDisk, stored.fileSize));
      this.#partials.set(key, { ...stored, id, ranges });
      kept.add(id);
    }
    for (const name of names) {
      const id = name.replace(/\.(part|json)$/, '');
      if (!kept.has(id)) await rm(join(this.#partialDir, name), { force: true });
    }
  }
}

function uploadKeyOf(parts: UploadKeyParts): string {
  return JSON.stringify([parts.fromAccount, parts.timestamp, parts.random, parts.fileMd5]);
}

function keyPartsOf(request: PicUpSliceRequest): UploadKeyParts {
  return {
    fromAccount: request.fromAccount,
    timestamp: request.timestamp,
    random: request.random,
    fileMd5: request.fileMd5,
  };
}

/** The next slice starts at the end of the gap-free prefix, rounded down to the slice alignment. */
function nextOffsetOf(partial: PartialUpload): number {
  const prefix = contiguousPrefix(partial.ranges);
  if (prefix >= partial.fileSize) return partial.fileSize;
  return prefix - (prefix % SLICE_ALIGNMENT);
}

function fileSizeMismatch(request: PicUpSliceRequest, expected: number): PicUpRejection {
  return inconsistent(`File_Size ${request.fileSize} differs from File_Size ${expected} of this upload`);
}

async function writeAt(path: string, position: number, data: Buffer): Promise<void> {
  const handle = await open(path, fsConstants.O_RDWR | fsConstants.O_CREAT);
  try {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
      written += bytesWritten;
    }
  } finally {
    await handle.close();
  }
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify(value));
  await rename(temporary, path);
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
