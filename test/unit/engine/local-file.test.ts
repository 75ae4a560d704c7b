import { createHash } from 'node:crypto';
import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  digestsOf,
  hashFile,
  openRange,
  readChunks,
  readWhole,
  wholeReadLimit,
} from '../../../main/engine/local-file.ts';
import { readRange } from '../../support/read-range.ts';
import { randomFile, sha256, tempDir } from '../../support/temp.ts';

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('local file ranges', () => {
  it('reads exactly [start, end) as a stream and as a buffer', async () => {
    const dir = tempDir();
    const path = join(dir, 'digits.txt');
    writeFileSync(path, '0123456789');
    expect((await collect(openRange(path, 2, 5))).toString()).toBe('234');
    expect((await readRange(path, 7, 10)).toString()).toBe('789');
  });

  it('gives an empty range without touching the file (0-byte files, empty final slices)', async () => {
    const dir = tempDir();
    const { path } = randomFile(dir, 'empty.bin', 0);
    expect(await collect(openRange(path, 0, 0))).toHaveLength(0);
    expect(await readRange(path, 0, 0)).toHaveLength(0);
  });

  it('fails a short read instead of sending fewer bytes than planned', async () => {
    const dir = tempDir();
    const path = join(dir, 'short.txt');
    writeFileSync(path, 'abc');
    await expect(readRange(path, 0, 10)).rejects.toMatchObject({ code: 'ESHORTREAD' });
  });

  it('reads a small file whole with the identity of the open file, and leaves a larger one unread', async () => {
    const dir = tempDir();
    const small = randomFile(dir, 'small.bin', 5000);
    const whole = await readWhole(small.path);
    const info = statSync(small.path);
    expect(whole).toMatchObject({ size: 5000, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs });
    expect(sha256(whole.bytes!)).toBe(small.sha256);
    expect(digestsOf(whole.bytes!, { md5: true })).toEqual(
      await hashFile(small.path, undefined, { md5: true }),
    );
    const large = randomFile(dir, 'large.bin', wholeReadLimit + 1);
    expect(await readWhole(large.path)).toMatchObject({ bytes: null, size: wholeReadLimit + 1 });
  });

  it('hashes MD5 and SHA-256 in one pass', async () => {
    const dir = tempDir();
    const file = randomFile(dir, 'r.bin', 3 * 1024 * 1024 + 7);
    const digests = await hashFile(file.path, undefined, { md5: true });
    expect(digests.sha256).toBe(file.sha256);
    expect(digests.bytes).toBe(3 * 1024 * 1024 + 7);
    expect(digests.md5).toBe(createHash('md5').update(readFileSync(file.path)).digest('hex'));
    const empty = await hashFile(randomFile(dir, 'e.bin', 0).path);
    expect(empty).toEqual({ sha256: sha256(Buffer.alloc(0)), md5: null, bytes: 0 });
  });

  it('hashes the whole file when it is larger than the size it was expected to have', async () => {
    const dir = tempDir();
    const file = randomFile(dir, 'grown.bin', 300_001);
    const digests = await hashFile(file.path, undefined, { expectedSize: 4096 });
    expect(digests).toEqual({ sha256: file.sha256, md5: null, bytes: 300_001 });
  });

  it('reads a range in chunks of two reused buffers, each valid until the next is asked for', async () => {
    const dir = tempDir();
    const file = randomFile(dir, 'c.bin', 1000);
    const bytes = readFileSync(file.path);
    const copies: Buffer[] = [];
    const places: string[] = [];
    const ids = new Map<ArrayBufferLike, number>();
    for await (const chunk of readChunks(file.path, 10, 710, 300)) {
      copies.push(Buffer.from(chunk));
      if (!ids.has(chunk.buffer)) ids.set(chunk.buffer, ids.size);
      places.push(`${ids.get(chunk.buffer)}:${chunk.byteOffset}`);
    }
    expect(copies.map((c) => c.length)).toEqual([300, 300, 100]);
    expect(Buffer.concat(copies).equals(bytes.subarray(10, 710))).toBe(true);
    // One buffer, the other, then the first again.
    expect(new Set(places).size).toBe(2);
    expect(places[2]).toBe(places[0]);
    const none: Buffer[] = [];
    for await (const chunk of readChunks(file.path, 5, 5, 300)) none.push(chunk);
    expect(none).toEqual([]);
  });

  it('hands the buffers of a read that ran to its end on to the next read, never those of one stopped early', async () => {
    const dir = tempDir();
    // Chunks of 64 KiB and more have an ArrayBuffer each (smaller ones share Node's slab), and this
    // size is no other test's: the buffers waiting for reuse are the module's, by size.
    const chunkSize = 70_001;
    const file = randomFile(dir, 'p.bin', 5 * chunkSize);
    const bytes = readFileSync(file.path);
    const buffersOf = async (start: number, stopAfter = Infinity) => {
      const seen = new Set<ArrayBufferLike>();
      const copies: Buffer[] = [];
      for await (const chunk of readChunks(file.path, start, start + 4 * chunkSize, chunkSize)) {
        seen.add(chunk.buffer);
        copies.push(Buffer.from(chunk));
        if (copies.length === stopAfter) break;
      }
      return { seen, bytes: Buffer.concat(copies) };
    };
    const first = await buffersOf(0);
    const second = await buffersOf(100);
    expect(second.bytes.equals(bytes.subarray(100, 100 + 4 * chunkSize))).toBe(true);
    expect(second.seen.size).toBe(2);
    expect([...second.seen].every((buffer) => first.seen.has(buffer))).toBe(true);
    // Stopped after one chunk: whoever took it may still be writing it somewhere, so its buffers stay its own.
    const stopped = await buffersOf(0, 1);
    const after = await buffersOf(200);
    expect(after.bytes.equals(bytes.subarray(200, 200 + 4 * chunkSize))).toBe(true);
    expect(after.seen.size).toBe(2);
    expect([...after.seen].some((buffer) => stopped.seen.has(buffer))).toBe(false);
  });

  it('reads into two buffers the caller lends, range after range, when they are large enough', async () => {
    const dir = tempDir();
    const file = randomFile(dir, 'l.bin', 1000);
    const bytes = readFileSync(file.path);
    const lent = [Buffer.alloc(400), Buffer.alloc(400)] as const;
    for (const [start, end] of [
      [0, 700],
      [700, 1000],
    ] as const) {
      const copies: Buffer[] = [];
      for await (const chunk of readChunks(file.path, start, end, 300, lent)) {
        expect(lent.some((buffer) => buffer.buffer === chunk.buffer)).toBe(true);
        copies.push(Buffer.from(chunk));
      }
      expect(Buffer.concat(copies).equals(bytes.subarray(start, end))).toBe(true);
    }
    // Too small for the chunk size: a pair of its own instead.
    const small = [Buffer.alloc(100), Buffer.alloc(100)] as const;
    for await (const chunk of readChunks(file.path, 0, 300, 300, small))
      expect(small.some((buffer) => buffer.buffer === chunk.buffer)).toBe(false);
  });

  it('holds a failed read ahead for the caller: no unhandled rejection while it still sends the chunk before', async () => {
    const dir = tempDir();
    const file = randomFile(dir, 'shrinks.bin', 3000);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const chunks = readChunks(file.path, 0, 3000, 1000);
      expect((await chunks.next()).value).toHaveLength(1000);
      // The first chunk is out. Cut the file to two chunks: the second is whole whether its read ahead
      // ran before the cut or after it, and the read ahead of the third, started when the second is
      // handed over, runs into the cut while the caller still sends the second. Truncated in one call:
      // rewriting the file empties it first, and a read ahead landing then found nothing (it flaked).
      truncateSync(file.path, 2000);
      expect((await chunks.next()).value).toHaveLength(1000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await expect(chunks.next()).rejects.toMatchObject({ code: 'ESHORTREAD' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('fails a chunked read of a file that shrank with ESHORTREAD', async () => {
    const dir = tempDir();
    const path = join(dir, 'short.txt');
    writeFileSync(path, 'abcdef');
    const read = async () => {
      for await (const chunk of readChunks(path, 0, 10, 4)) void chunk;
    };
    await expect(read()).rejects.toMatchObject({ code: 'ESHORTREAD' });
  });

  it('stops hashing when aborted', async () => {
    const dir = tempDir();
    const file = randomFile(dir, 'a.bin', 4 * 1024 * 1024);
    const controller = new AbortController();
    controller.abort();
    await expect(hashFile(file.path, controller.signal)).rejects.toThrow();
  });
});
