import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** A stream over bytes [start, endExclusive) of a file; a new one per attempt (a consumed stream cannot retry). */
export function openRange(path: string, start: number, endExclusive: number): Readable {
  // An empty range (a 0-byte file, a zero-length final slice) must not touch the file: fs rejects end < start.
  if (endExclusive <= start) return Readable.from([]);
  // createReadStream's `end` is inclusive.
  return createReadStream(path, { start, end: endExclusive - 1, highWaterMark: 256 * 1024 });
}

function shortRead(expected: number, position: number, got: number): Error {
  return Object.assign(new Error(`short read: expected ${expected} bytes at ${position}, got ${got}`), {
    code: 'ESHORTREAD',
  });
}

/** At most this many bytes of read buffers wait for the next readChunks call. */
const spareBytesLimit = 8 * 1024 * 1024;
/** Read buffers of readChunks calls that ran to their end, by size. */
const spareBuffers = new Map<number, Buffer[]>();
let spareBytes = 0;

function takeBuffer(size: number): Buffer {
  const spare = spareBuffers.get(size)?.pop();
  if (spare === undefined) return Buffer.allocUnsafe(size);
  spareBytes -= size;
  return spare;
}

function giveBack(buffers: readonly Buffer[]): void {
  for (const buffer of buffers) {
    // A small buffer is a slice of Node's shared slab: keeping it would keep the whole slab.
    if (buffer.buffer.byteLength !== buffer.length) continue;
    if (spareBytes + buffer.length > spareBytesLimit) return;
    const list = spareBuffers.get(buffer.length) ?? [];
    list.push(buffer);
    spareBuffers.set(buffer.length, list);
    spareBytes += buffer.length;
  }
}

/**
 * Bytes [start, endExclusive) as consecutive chunks of `chunkSize` (the last may be shorter), read into
 * two reused buffers: each yielded chunk is only valid until the next is asked for. While the caller
 * sends one chunk, the next is read into the other buffer. No per-chunk allocation, so a 2 GiB upload
 * leaves no trail of garbage buffers for the GC to catch up with. A file that shrank fails with
 * ESHORTREAD.
 *
 * The two buffers go on to the next call once the caller asked past the last chunk (so it is done with
 * them): S3 reads every 8 MiB part through a call of its own, and two new 1 MiB buffers per part were
 * a quarter of the bytes sent in garbage, memory outside V8's heap that only a full collection frees.
 * A caller that stops early may still be writing its chunk to a socket: those buffers are not reused.
 * A caller that knows better when its buffers are free (Tencent: once the server answered) lends its
 * own pair (`lent`, when large enough): those stay the caller's and never join the shared spares.
 */
export async function* readChunks(
  path: string,
  start: number,
  endExclusive: number,
  chunkSize: number,
  lent?: readonly [Buffer, Buffer],
): AsyncGenerator<Buffer> {
  if (endExclusive <= start) return;
  const handle = await open(path, 'r');
  const size = Math.min(chunkSize, endExclusive - start);
  const borrowed = lent !== undefined && lent[0].length >= size && lent[1].length >= size;
  const buffers = borrowed
    ? lent.map((buffer) => buffer.subarray(0, size))
    : [takeBuffer(size), takeBuffer(size)];
  let ranToEnd = false;
  const fill = async (buffer: Buffer, position: number): Promise<Buffer> => {
    const want = Math.min(buffer.length, endExclusive - position);
    let filled = 0;
    while (filled < want) {
      const { bytesRead } = await handle.read(buffer, filled, want - filled, position + filled);
      if (bytesRead === 0) throw shortRead(endExclusive - start, start, position + filled - start);
      filled += bytesRead;
    }
    return buffer.subarray(0, want);
  };
  // A read ahead can fail (the file got shorter) while the caller still sends the chunk before it: it
  // is marked handled at once, and the failure reaches the caller when it asks for that chunk.
  const readAhead = (buffer: Buffer, position: number): Promise<Buffer> => {
    const read = fill(buffer, position);
    read.catch(() => {});
    return read;
  };
  let next: Promise<Buffer> | null = readAhead(buffers[0]!, start);
  try {
    for (let position = start, turn = 1; next !== null; turn ^= 1) {
      const chunk: Buffer = await next;
      position += chunk.length;
      // The other buffer is free: the caller asked for this chunk, so it is done with the one before.
      next = position < endExclusive ? readAhead(buffers[turn]!, position) : null;
      yield chunk;
    }
    ranToEnd = true;
  } finally {
    // A read still under way (the caller stopped early) must end before its file handle closes.
    await next?.catch(() => {});
    await handle.close();
    if (ranToEnd && !borrowed) giveBack(buffers);
  }
}

/**
 * Files up to this size are read once, whole, and the image check, the digests and the send all take
 * their bytes from that read: each file-system call is a hop through libuv's thread pool, and for a
 * 4 KiB file those hops (three opens, their reads and closes, two stats) cost more than its upload.
 */
export const wholeReadLimit = 1024 * 1024;

export interface WholeFile {
  /** Null when the file is over wholeReadLimit now (it grew): not read. */
  bytes: Buffer | null;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

/**
 * A small file's bytes and its identity, both through one handle: the identity is the open file's
 * (fstat), so it describes the bytes read rather than whatever is at the path a moment before. A file
 * cut shorter between the fstat and the read fails with ESHORTREAD.
 */
export async function readWhole(path: string): Promise<WholeFile> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    const identity = { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs };
    if (info.size > wholeReadLimit) return { bytes: null, ...identity };
    const bytes = Buffer.allocUnsafe(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) throw shortRead(bytes.length, 0, filled);
      filled += bytesRead;
    }
    return { bytes, ...identity };
  } finally {
    await handle.close();
  }
}

/** SHA-256 and, when asked, MD5 of bytes already in memory (a file read whole). */
export function digestsOf(bytes: Buffer, options: { md5?: boolean } = {}): FileDigests {
  return {
    md5: options.md5 ? createHash('md5').update(bytes).digest('hex') : null,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
  };
}

export interface FileDigests {
  /** Null unless asked for: MD5 costs twice SHA-256's CPU and only some protocols need it. */
  md5: string | null;
  sha256: string;
  bytes: number;
}

/**
 * SHA-256 (for the history) and, when asked, MD5 (for protocols that need it) in one pass over one
 * reused buffer of up to 1 MiB: hashing a 2 GiB file allocates nothing per chunk. `expectedSize`
 * sizes the buffer for a small file, so a batch of thousands does not allocate a MiB for each.
 */
export async function hashFile(
  path: string,
  signal?: AbortSignal,
  options: { md5?: boolean; expectedSize?: number } = {},
): Promise<FileDigests> {
  const md5 = options.md5 ? createHash('md5') : null;
  const sha256 = createHash('sha256');
  const maxBuffer = 1024 * 1024;
  const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(maxBuffer, options.expectedSize ?? maxBuffer)));
  let bytes = 0;
  const handle = await open(path, 'r');
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, bytes);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      md5?.update(chunk);
      sha256.update(chunk);
      bytes += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return { md5: md5?.digest('hex') ?? null, sha256: sha256.digest('hex'), bytes };
}
