import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';

/** A stream over bytes [start, endExclusive) of a file; a new one per attempt (a consumed stream cannot retry). */
export function openRange(path: string, start: number, endExclusive: number): Readable {
  // An empty range (a 0-byte file, a zero-length final slice) must not touch the file: fs rejects end < start.
  if (endExclusive <= start) return Readable.from([]);
  // createReadStream's `end` is inclusive.
  return createReadStream(path, { start, end: endExclusive - 1, highWaterMark: 256 * 1024 });
}

/**
 * Read one range into a buffer of exactly its size. Only for protocols that must encode a part as a
 * whole (Tencent's base64 JSON slices): memory is bounded by the slice size, never the file size.
 */
export async function readRange(path: string, start: number, endExclusive: number): Promise<Buffer> {
  const size = endExclusive - start;
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const chunk of openRange(path, start, endExclusive) as AsyncIterable<Buffer>) {
    if (filled + chunk.length > size) throw new Error('file grew while a range was read');
    chunk.copy(buffer, filled);
    filled += chunk.length;
  }
  if (filled !== size) {
    throw Object.assign(new Error(`short read: expected ${size} bytes at ${start}, got ${filled}`), {
      code: 'ESHORTREAD',
    });
  }
  return buffer;
}

export interface FileDigests {
  md5: string;
  sha256: string;
  bytes: number;
}

/** MD5 (for protocols that need it) and SHA-256 (for the history) in one streamed pass. */
export async function hashFile(path: string, signal?: AbortSignal): Promise<FileDigests> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let bytes = 0;
  await pipeline(
    createReadStream(path, { highWaterMark: 1024 * 1024 }),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        sha256.update(chunk);
        bytes += chunk.length;
        done();
      },
    }),
    signal ? { signal } : {},
  );
  return { md5: md5.digest('hex'), sha256: sha256.digest('hex'), bytes };
}
