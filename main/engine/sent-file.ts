import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, Readable, Transform } from 'node:stream';
import { UploadError } from '../net/upload-error.ts';
import type { LocalFile, RangeOptions } from '../providers/provider.ts';
import { openRange, readChunks } from './local-file.ts';
import { mimeTypeOf } from './mime-type.ts';

const MiB = 1024 * 1024;
/**
 * Bytes sent ahead of the hashed prefix (S3's parallel parts) kept in memory until the prefix reaches
 * them: two 8 MiB parts behind the first, with room to spare. Beyond it they are read back from disk.
 */
const aheadLimit = 32 * MiB;
const readBackChunk = MiB;
/**
 * How much of the bytes kept ahead is hashed per turn of the event loop once the in-order position
 * reaches them. S3's parts sent side by side are reached a part or two at a time: 8–16 MiB of SHA-256
 * in one go held the loop 6–14 ms here (with the CPU's SHA extensions; several times that without).
 */
const hashedPerTurn = 2 * MiB;

/** What says a file's bytes are still the ones read before. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  /**
   * The inode change time: the kernel sets it on every write and every utimes(), so an edit that puts
   * size and mtime back still moves it, and no user call can set it back. Null for tasks journaled
   * before it was kept: they are checked on size and mtime only.
   */
  ctimeMs: number | null;
}

export interface SentFileOptions {
  path: string;
  name?: string;
  /** The name on the server the engine made from the account's pattern (LocalFile.remoteName). */
  remoteName?: string | undefined;
  mimeType?: string;
  identity: FileIdentity;
  /** Digests read before the first byte went out: what is sent must hash to the same. */
  upfront?: { md5: string | null; sha256: string } | null;
  /**
   * The server may hold bytes an earlier run sent (a journaled session): those can only be read back
   * from disk, never compared with what went out, so a change of the file cannot be forgiven.
   */
  resumed?: boolean;
  /**
   * The whole file, read while it had `identity` (a small file the engine read once for its image
   * check and digests): sent from memory instead of being read again. The checks before each attempt
   * and before the last bytes still look at the file on disk, and so does any reading back.
   */
  contents?: Buffer | undefined;
}

function modified(): UploadError {
  return UploadError.of(
    'file-changed',
    'The file was modified after it was added; retry to upload the new version from the start.',
  );
}

function changedDuringUpload(detail: string): UploadError {
  return UploadError.of(
    'file-changed',
    `The file changed during its upload: ${detail}; retry to upload it from the start.`,
  );
}

function shorter(): UploadError {
  return changedDuringUpload('it got shorter while it was being read');
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** A range stream or chunk reader that is open: where it will take bytes from next. */
interface Reader {
  next: number;
  end: number;
}

/**
 * A file being uploaded, as the engine hands it to a provider. When digests were taken before the first
 * byte went out (Tencent needs the MD5 up front, and the SHA-256 comes in the same pass), they stand
 * for what is sent while the file keeps its identity: the bytes are hashed once. Otherwise the
 * history's SHA-256 is taken from the very buffers that go on the wire, in file order: one read per
 * byte in the common case. Bytes that
 * leave out of order (S3 sends parts side by side) wait in memory for the in-order position to reach
 * them, up to `aheadLimit`; bytes the server got from an earlier run, or that overflowed that limit,
 * are read back from disk.
 *
 * Whether the file is still the one whose bytes were sent is checked before every attempt and before
 * the final step (`checkIdentity`, `finish`): a changed size or mtime fails at once; a moved change
 * time (an edit with the times put back, or only new permissions) is settled by comparing the bytes
 * sent with the file as it is now, and by comparing with the digest taken up front when there is one.
 */
export class SentFile implements LocalFile {
  readonly path: string;
  readonly name: string;
  readonly remoteName: string | undefined;
  readonly size: number;
  readonly mtimeMs: number;
  readonly mimeType: string;
  #upfront: { md5: string | null; sha256: string } | null;
  /**
   * Digests were taken before any byte went out: the bytes sent are not hashed a second time. While
   * the change time stays as it was when the file was added, no write has reached the file since, so
   * the digest taken up front is the digest of what was sent.
   */
  #upfrontOnly: boolean;
  /** The change time moved (an upfront-only file): the digest is then taken from the disk at finish. */
  #ctimeMoved = false;
  #bytesHashed = 0;
  #baseline: FileIdentity;
  readonly #hash = createHash('sha256');
  /** Bytes [0, hashed) are in #hash. */
  #hashed = 0;
  #digest: string | null = null;
  #settled = false;
  /** Chunks sent beyond `hashed`, by position. */
  readonly #ahead = new Map<number, Buffer>();
  #aheadBytes = 0;
  /** A turn of the event loop is booked to hash chunks kept ahead that the prefix has reached. */
  #catchUpBooked = false;
  /**
   * Copies of reused read buffers kept ahead, and buffers such copies left once hashed: the next copy
   * goes into one of those, so S3's parts side by side do not allocate a buffer per chunk they send.
   */
  readonly #copies = new WeakSet<Buffer>();
  #spare: Buffer[] = [];
  /** Some bytes went out before they were hashed and must be read back: they cannot vouch for themselves. */
  #readBack: boolean;
  readonly #readers = new Set<Reader>();
  #readBackTarget = 0;
  #readingBack: Promise<void> | null = null;
  #readBackError: unknown = undefined;
  #bytesReadBack = 0;
  /** SentFileOptions.contents, until the run that read them ends (release). */
  #contents: Buffer | null;

  constructor(options: SentFileOptions) {
    this.path = options.path;
    this.name = options.name ?? basename(options.path);
    this.remoteName = options.remoteName;
    this.size = options.identity.size;
    this.mtimeMs = options.identity.mtimeMs;
    this.mimeType = options.mimeType ?? mimeTypeOf(options.path);
    this.#upfront = options.upfront ?? null;
    this.#upfrontOnly = this.#upfront !== null && options.identity.ctimeMs !== null;
    this.#baseline = options.identity;
    this.#readBack = options.resumed ?? false;
    this.#contents =
      options.contents !== undefined && options.contents.length === this.size ? options.contents : null;
  }

  /** A SentFile for a file as it is on disk now (nested uploads, tests of a provider on its own). */
  static async open(
    path: string,
    options: Omit<SentFileOptions, 'path' | 'identity'> = {},
  ): Promise<SentFile> {
    const info = await stat(path);
    return new SentFile({
      ...options,
      path,
      identity: { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs },
    });
  }

  get upfrontDigests(): { md5: string | null; sha256: string } | null {
    return this.#upfront;
  }

  /** Bytes read from disk a second time for the hash, because they were not sent in order by this run. */
  get bytesReadBack(): number {
    return this.#bytesReadBack;
  }

  /** Bytes fed to the SHA-256 of what was sent, as they went out or read back from disk. */
  get bytesHashed(): number {
    return this.#bytesHashed;
  }

  /** The digests a needsMd5First protocol needed before its first byte: what is sent must match them. */
  expectDigests(digests: { md5: string | null; sha256: string }): void {
    this.#upfront = digests;
    const nothingSent = this.#hashed === 0 && this.#ahead.size === 0 && this.#readers.size === 0;
    if (nothingSent && this.#baseline.ctimeMs !== null) this.#upfrontOnly = true;
  }

  openRange(start: number, endExclusive: number, options: RangeOptions = {}): Readable {
    const reader: Reader = { next: start, end: endExclusive };
    this.#readers.add(reader);
    let held: Buffer | undefined;
    const tee = new Transform({
      // One read of the source per chunk: a smaller mark would stop it reading ahead.
      readableHighWaterMark: 256 * 1024,
      writableHighWaterMark: 256 * 1024,
      transform: (chunk: Buffer, _encoding, done) => {
        this.#take(reader.next, chunk, false);
        reader.next += chunk.length;
        if (!options.completesUpload) return done(null, chunk);
        // Hold the latest chunk back: the last one goes out only after the check in flush.
        const previous = held;
        held = chunk;
        done(null, previous);
      },
      flush: (done) => {
        this.#readers.delete(reader);
        if (reader.next < endExclusive) return done(shorter());
        if (!options.completesUpload) return done();
        this.finish().then(() => done(null, held), done);
      },
    });
    tee.once('close', () => this.#readers.delete(reader));
    const source =
      this.#contents !== null
        ? Readable.from(start < endExclusive ? [this.#contents.subarray(start, endExclusive)] : [])
        : openRange(this.path, start, endExclusive);
    pipeline(source, tee, () => {});
    return tee;
  }

  async *readChunks(
    start: number,
    endExclusive: number,
    chunkSize: number,
    options: RangeOptions = {},
  ): AsyncGenerator<Buffer> {
    const reader: Reader = { next: start, end: endExclusive };
    this.#readers.add(reader);
    try {
      const chunks =
        this.#contents !== null
          ? chunksOf(this.#contents, start, endExclusive, chunkSize)
          : readChunks(this.path, start, endExclusive, chunkSize, options.readBuffers);
      for await (const chunk of chunks) {
        this.#take(reader.next, chunk, true);
        reader.next += chunk.length;
        if (options.completesUpload && reader.next === endExclusive) await this.finish();
        yield chunk;
      }
      if (options.completesUpload && start === endExclusive) await this.finish();
    } finally {
      this.#readers.delete(reader);
    }
  }

  async digestRange(start: number, endExclusive: number, algorithm: 'md5'): Promise<Buffer> {
    const hash = createHash(algorithm);
    if (this.#contents !== null) return hash.update(this.#contents.subarray(start, endExclusive)).digest();
    for await (const chunk of readChunks(this.path, start, endExclusive, readBackChunk)) hash.update(chunk);
    return hash.digest();
  }

  async verifySent(): Promise<void> {
    await this.finish();
  }

  /**
   * Before each attempt: is the file still the one whose bytes went out? A changed size or mtime is
   * an edit. A moved change time alone may be an edit that put the times back or only new
   * permissions: the bytes hashed so far are compared with the file as it is now, and only a match
   * lets the upload go on.
   */
  async checkIdentity(): Promise<void> {
    const now = await this.#identityNow();
    const base = this.#baseline;
    if (now.size !== base.size || now.mtimeMs !== base.mtimeMs) throw modified();
    if (base.ctimeMs === null || now.ctimeMs === base.ctimeMs) return;
    if (this.#readBack || this.#upfrontOnly) {
      // Bytes the server got that were never hashed as they went: only the digest taken before
      // sending, compared in finish() with the file read back whole, can still say whether they
      // were this file's.
      if (this.#upfront !== null) {
        if (this.#upfrontOnly && !this.#ctimeMoved) this.#digest = null;
        this.#ctimeMoved = true;
        return;
      }
      throw changedDuringUpload(
        'bytes sent before it changed were not hashed as they went out, so they cannot be compared with it',
      );
    }
    await this.#compareWithDisk();
    const after = await this.#identityNow();
    if (!sameIdentity(after, now)) throw changedDuringUpload('it kept changing while it was compared');
    this.#baseline = now;
  }

  /**
   * Before the final step (and after it, if it happened without one): every byte hashed, the file
   * checked, the digest compared with the one taken up front. Returns the SHA-256 of what was sent.
   */
  async finish(): Promise<string> {
    if (this.#upfrontOnly) {
      await this.checkIdentity();
      if (!this.#ctimeMoved) {
        this.#settled = true;
        return (this.#digest = this.#upfront!.sha256);
      }
    }
    await this.#readBackTo(this.size);
    this.#digest ??= this.#hash.digest('hex');
    await this.checkIdentity();
    if (this.#upfront !== null && this.#digest !== this.#upfront.sha256)
      throw changedDuringUpload('what was sent does not match the digest taken before sending');
    this.#settled = true;
    return this.#digest;
  }

  /** The SHA-256 of what was sent, once the upload is done: checked by a final step, or now. */
  async sentSha256(): Promise<string> {
    return this.#settled && this.#digest !== null ? this.#digest : this.finish();
  }

  /**
   * The run that used this file stopped (paused): bytes kept for the in-order position are let go
   * (they will be read back instead), and reading back stops after its current read.
   */
  release(): void {
    this.#contents = null;
    if (this.#ahead.size > 0) this.#readBack = true;
    this.#ahead.clear();
    this.#aheadBytes = 0;
    this.#spare = [];
    this.#readBackTarget = this.#hashed;
  }

  async #identityNow(): Promise<FileIdentity> {
    const info = await stat(this.path);
    return { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs };
  }

  /** A chunk going out at `position`. `reused`: its buffer is overwritten by the next read. */
  #take(position: number, chunk: Buffer, reused: boolean): void {
    if (this.#upfrontOnly) return;
    const end = position + chunk.length;
    if (end <= this.#hashed) return; // sent again (a retry): hashed the first time
    if (position <= this.#hashed) {
      this.#hashFrom(position, chunk);
      return;
    }
    if (this.#ahead.has(position)) return;
    // Room is made by hashing what the prefix already reached before any is given up to reading back.
    if (this.#aheadBytes + chunk.length > aheadLimit) this.#catchUp();
    if (this.#aheadBytes + chunk.length <= aheadLimit) {
      this.#ahead.set(position, reused ? this.#copyOf(chunk) : chunk);
      this.#aheadBytes += chunk.length;
    } else {
      this.#readBack = true;
    }
    // Nobody is sending the bytes before this chunk (a resumed upload starts mid-file): read them back.
    const covered = this.#coveredEnd();
    if (![...this.#readers].some((reader) => reader.next <= covered && covered < reader.end))
      this.#readBackInBackground(position);
  }

  /** Where the prefix ends once the chunks kept ahead that continue it are hashed too. */
  #coveredEnd(): number {
    let end = this.#hashed;
    for (let grew = true; grew;) {
      // Mostly the chunk that starts where the last one ended; a search only for one that overlaps.
      const next = this.#ahead.get(end);
      if (next !== undefined && next.length > 0) {
        end += next.length;
        continue;
      }
      grew = false;
      for (const [start, kept] of this.#ahead) {
        if (start < end && start + kept.length > end) {
          end = start + kept.length;
          grew = true;
          break;
        }
      }
    }
    return end;
  }

  /** Hash what `chunk` (at `position`, which is at or before the hashed prefix's end) adds to the prefix. */
  #hashFrom(position: number, chunk: Buffer): void {
    const end = position + chunk.length;
    if (end <= this.#hashed) return;
    this.#hash.update(chunk.subarray(this.#hashed - position));
    this.#bytesHashed += end - this.#hashed;
    this.#hashed = end;
    this.#bookCatchUp();
  }

  /**
   * Hash the chunks kept ahead that the prefix has reached, `hashedPerTurn` bytes per turn of the
   * event loop, so that a part sent early is not hashed in one go while the other parts wait.
   */
  #bookCatchUp(): void {
    if (this.#catchUpBooked || this.#keptReached() === undefined) return;
    this.#catchUpBooked = true;
    setImmediate(() => {
      this.#catchUpBooked = false;
      for (let turn = 0; turn < hashedPerTurn;) {
        const kept = this.#keptReached();
        if (kept === undefined) return;
        const hashed = this.#hashed;
        this.#hashKept(...kept);
        turn += this.#hashed - hashed || 1;
      }
      this.#bookCatchUp();
    });
  }

  /** Hash every chunk kept ahead that the prefix has reached, now. */
  #catchUp(): void {
    for (let kept = this.#keptReached(); kept !== undefined; kept = this.#keptReached())
      this.#hashKept(...kept);
  }

  /** A chunk kept ahead that the prefix has reached (or passed), if there is one. */
  #keptReached(): [start: number, kept: Buffer] | undefined {
    for (const entry of this.#ahead) if (entry[0] <= this.#hashed) return entry;
    return undefined;
  }

  /** Take a kept chunk the prefix has reached into the hash: what it adds, if anything. */
  #hashKept(start: number, kept: Buffer): void {
    this.#ahead.delete(start);
    this.#aheadBytes -= kept.length;
    if (start + kept.length > this.#hashed) {
      this.#hash.update(kept.subarray(this.#hashed - start));
      this.#bytesHashed += start + kept.length - this.#hashed;
      this.#hashed = start + kept.length;
    }
    // update() has copied what it needs: a copy of ours can take the next chunk kept ahead.
    if (this.#copies.has(kept)) this.#spare.push(kept);
  }

  /** A copy of a chunk whose buffer its reader reuses, in a spare buffer when one is large enough. */
  #copyOf(chunk: Buffer): Buffer {
    const spare = this.#spare.pop();
    const target =
      spare !== undefined && spare.buffer.byteLength - spare.byteOffset >= chunk.length
        ? Buffer.from(spare.buffer, spare.byteOffset, chunk.length)
        : Buffer.allocUnsafeSlow(chunk.length);
    chunk.copy(target);
    this.#copies.add(target);
    return target;
  }

  #readBackInBackground(upTo: number): void {
    this.#readBackTarget = Math.max(this.#readBackTarget, upTo);
    this.#readingBack ??= this.#readBackLoop()
      .catch((error: unknown) => {
        this.#readBackError = error;
      })
      .finally(() => {
        this.#readingBack = null;
      });
  }

  async #readBackTo(target: number): Promise<void> {
    this.#catchUp();
    while (this.#hashed < target) {
      this.#readBackInBackground(target);
      await this.#readingBack;
      if (this.#readBackError !== undefined) {
        const error = this.#readBackError;
        this.#readBackError = undefined;
        throw error;
      }
    }
  }

  /** Read from disk what is missing before the kept chunks and up to the target, into the hash. */
  async #readBackLoop(): Promise<void> {
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(readBackChunk);
      for (;;) {
        this.#catchUp();
        if (this.#hashed >= this.#readBackTarget) break;
        const position = this.#hashed;
        let want = Math.min(buffer.length, this.#readBackTarget - position);
        for (const start of this.#ahead.keys()) want = Math.min(want, start - position);
        const { bytesRead } = await handle.read(buffer, 0, want, position);
        if (bytesRead === 0) throw shorter();
        this.#bytesReadBack += bytesRead;
        // The file may have been sent on meanwhile: only what still extends the prefix counts.
        if (position <= this.#hashed) this.#hashFrom(position, buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
  }

  /** The bytes hashed so far, and those kept ahead, against the file as it is now. */
  async #compareWithDisk(): Promise<void> {
    const hashed = this.#hashed;
    const sent = this.#digest ?? this.#hash.copy().digest('hex');
    // Copied: while the disk is read, a kept chunk may be hashed and its buffer reused.
    const ahead = [...this.#ahead].map(([start, kept]) => [start, Buffer.from(kept)] as const);
    const onDisk = createHash('sha256');
    for await (const chunk of readChunks(this.path, 0, hashed, readBackChunk)) onDisk.update(chunk);
    if (onDisk.digest('hex') !== sent) throw changedDuringUpload('the bytes sent are no longer the file’s');
    for (const [start, kept] of ahead) {
      const parts: Buffer[] = [];
      for await (const chunk of readChunks(this.path, start, start + kept.length, readBackChunk))
        parts.push(Buffer.from(chunk));
      if (!Buffer.concat(parts).equals(kept))
        throw changedDuringUpload('the bytes sent are no longer the file’s');
    }
  }
}

/** readChunks over bytes in memory: consecutive views of `chunkSize`, no copy. */
function* chunksOf(
  contents: Buffer,
  start: number,
  endExclusive: number,
  chunkSize: number,
): Generator<Buffer> {
  for (let position = start; position < endExclusive; position += chunkSize)
    yield contents.subarray(position, Math.min(endExclusive, position + chunkSize));
}
