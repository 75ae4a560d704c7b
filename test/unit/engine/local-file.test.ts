import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashFile, openRange, readChunks } from '../../../main/engine/local-file.ts';
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

  it('reads a range in chunks of one reused buffer, each valid until the next is asked for', async () => {
    const dir = tempDir();
    const file = randomFile(dir, 'c.bin', 1000);
    const bytes = readFileSync(file.path);
    const copies: Buffer[] = [];
    const seen = new Set<ArrayBufferLike>();
    for await (const chunk of readChunks(file.path, 10, 710, 300)) {
      copies.push(Buffer.from(chunk));
      seen.add(chunk.buffer);
    }
    expect(copies.map((c) => c.length)).toEqual([300, 300, 100]);
    expect(Buffer.concat(copies).equals(bytes.subarray(10, 710))).toBe(true);
    expect(seen.size).toBe(1);
    const none: Buffer[] = [];
    for await (const chunk of readChunks(file.path, 5, 5, 300)) none.push(chunk);
    expect(none).toEqual([]);
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
