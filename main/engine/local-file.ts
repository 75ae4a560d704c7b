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
 * two reused buffers: each yielded chunk is only valid until the next is asked for. While the caller
 * sends one chunk, the next is read into the other buffer. No per-chunk allocation, so a 2 GiB upload
 * leaves no trail of garbage buffers for the GC to catch up with; `lent` buffers (when large enough)
 * spare even the pair per range. A file that shrank fails with ESHORTREAD.
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
  const buffers =
    lent !== undefined && lent[0].length >= size && lent[1].length >= size
      ? lent.map((buffer) => buffer.subarray(0, size))
      : [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
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
  } finally {
    // A read still under way (the caller stopped early) must end before its file handle closes.
    await next?.catch(() => {});
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
