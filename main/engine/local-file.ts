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

/**
 * Bytes [start, endExclusive) as consecutive chunks of `chunkSize` (the last may be shorter), read into
 * ONE reused buffer: each yielded chunk is only valid until the next is asked for. For encoders that
 * turn a chunk into something else at once (base64): no per-chunk allocation, so a 2 GiB upload leaves
 * no trail of garbage buffers for the GC to catch up with. A file that shrank fails with ESHORTREAD.
 */
export async function* readChunks(
  path: string,
  start: number,
  endExclusive: number,
  chunkSize: number,
): AsyncGenerator<Buffer> {
  if (endExclusive <= start) return;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(chunkSize, endExclusive - start));
    for (let position = start; position < endExclusive;) {
      const want = Math.min(buffer.length, endExclusive - position);
      let filled = 0;
      while (filled < want) {
        const { bytesRead } = await handle.read(buffer, filled, want - filled, position + filled);
        if (bytesRead === 0) throw shortRead(endExclusive - start, start, position + filled - start);
        filled += bytesRead;
      }
      yield buffer.subarray(0, want);
      position += want;
    }
  } finally {
    await handle.close();
  }
}

export interface FileDigests {
  /** Null unless asked for: MD5 costs twice SHA-256's CPU and only some protocols need it. */
  md5: string | null;
  sha256: string;
  bytes: number;
}

/**
 * SHA-256 (for the history) and, when asked, MD5 (for protocols that need it) in one pass over one
 * reused 1 MiB buffer: hashing a 2 GiB file allocates nothing per chunk.
 */
export async function hashFile(
  path: string,
  signal?: AbortSignal,
  options: { md5?: boolean } = {},
): Promise<FileDigests> {
  const md5 = options.md5 ? createHash('md5') : null;
  const sha256 = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1024 * 1024);
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
