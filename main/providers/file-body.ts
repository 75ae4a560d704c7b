import type { LocalFile, RangeOptions } from './provider.ts';

/** Bytes of the file per write to the socket while a body streams. */
const sendChunkBytes = 1024 * 1024;

/** A request body of a file's bytes, and what went wrong reading them, if anything did. */
export interface FileBody {
  chunks: AsyncGenerator<Buffer>;
  /**
   * Set when reading the file failed (it got shorter or changed): got wraps that in a request error,
   * and the caller reports it as what it is instead of as a network problem.
   */
  readFailure(): unknown;
}

/**
 * Bytes [start, endExclusive) of a file as a got request body, read into reused buffers. got asks for
 * the next chunk only once the socket has taken the last, so reuse is safe, and a GiB sent allocates
 * no GiB of buffers for the garbage collector to chase (a file stream allocates one per read).
 */
export function fileBody(
  file: LocalFile,
  start: number,
  endExclusive: number,
  options: RangeOptions = {},
): FileBody {
  let failure: unknown;
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      yield* file.readChunks(start, endExclusive, sendChunkBytes, options);
    } catch (error) {
      failure = error;
      throw error;
    }
  }
  return { chunks: chunks(), readFailure: () => failure };
}
