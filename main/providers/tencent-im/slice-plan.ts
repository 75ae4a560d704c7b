/** Tencent's pic_up requires every slice offset except the last to be a multiple of 4 KiB. */
export const sliceAlignment = 4096;

/** 1 MiB = 256 × 4 KiB: big enough that base64-in-JSON overhead per request is small, small enough to retry cheaply. */
export const defaultSliceSize = 256 * sliceAlignment;

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
