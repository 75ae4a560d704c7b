/** Tencent's pic_up requires every slice offset except the last to be a multiple of 4 KiB. */
export const sliceAlignment = 4096;

/**
 * 4 MiB = 1024 × 4 KiB. Each request leaves some 200 KiB of state behind in the heap (got's options,
 * request objects, timers), and at 1 MiB a 2 GiB upload's 2,048 requests grew V8's young generation to
 * its largest: peak RSS grew 110–140 MiB, against 46 MiB at 4 MiB, which also took 16% less CPU
 * (docs/engine.md). A server that refuses a body this large (413) gets the same offset again in halves,
 * down to `minSliceSize`, and the smaller size is kept for the rest of the file.
 */
export const defaultSliceSize = 1024 * sliceAlignment;

/** The smallest slice a 413 halves down to: what public SDKs sent (128 KiB = 32 × 4 KiB). */
export const minSliceSize = 32 * sliceAlignment;

export interface Slice {
  offset: number;
  size: number;
}

/**
 * The slice to send next, starting where the server said to continue. A 0-byte file is one empty slice
 * at 0. Throws if the server's offset breaks the protocol (unaligned, past the end), so a confused
 * server fails the task instead of corrupting the upload.
 */
export function planSlice(nextOffset: number, fileSize: number, sliceSize = defaultSliceSize): Slice {
  if (!Number.isInteger(sliceSize) || sliceSize <= 0 || sliceSize % sliceAlignment !== 0) {
    throw new RangeError(`slice size must be a positive multiple of ${sliceAlignment}, got ${sliceSize}`);
  }
  if (!Number.isInteger(nextOffset) || nextOffset < 0 || nextOffset > fileSize) {
    throw new RangeError(`offset ${nextOffset} is outside the file (size ${fileSize})`);
  }
  if (nextOffset % sliceAlignment !== 0 && nextOffset !== fileSize) {
    throw new RangeError(`offset ${nextOffset} is not a multiple of ${sliceAlignment}`);
  }
  return { offset: nextOffset, size: Math.min(sliceSize, fileSize - nextOffset) };
}

/** The whole plan for a file sent in order without rewinds: what the emulator and tests reason about. */
export function planAllSlices(fileSize: number, sliceSize = defaultSliceSize): Slice[] {
  const slices = [planSlice(0, fileSize, sliceSize)];
  for (let last = slices[0]!; last.offset + last.size < fileSize;) {
    last = planSlice(last.offset + last.size, fileSize, sliceSize);
    slices.push(last);
  }
  return slices;
}
