import { readChunks } from '../../main/engine/local-file.ts';

/**
 * Bytes [start, endExclusive) of a file in a buffer of their own: for tests and the bench's by-hand
 * baselines, which build whole request bodies. Ferry itself streams ranges and never needs this.
 * A file shorter than the range fails with ESHORTREAD, as readChunks does.
 */
export async function readRange(path: string, start: number, endExclusive: number): Promise<Buffer> {
  for await (const chunk of readChunks(path, start, endExclusive, endExclusive - start)) {
    // One chunk the size of the range: its buffer is made for this call and never reused.
    return chunk;
  }
  return Buffer.alloc(0);
}
