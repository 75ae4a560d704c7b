/** Half-open byte range [start, end). */
export type ByteRange = readonly [start: number, end: number];

/**
 * Slices may arrive in any order and may repeat, so an upload remembers the set of bytes it holds as
 * sorted, disjoint, non-adjacent ranges; adding a range merges everything it touches.
 */
export function addRange(ranges: readonly ByteRange[], start: number, end: number): ByteRange[] {
  if (end <= start) return [...ranges];
  const result: ByteRange[] = [];
  let mergedStart = start;
  let mergedEnd = end;
  let placed = false;
  for (const range of ranges) {
    if (range[1] < mergedStart) {
      result.push(range);
    } else if (range[0] > mergedEnd) {
      if (!placed) {
        result.push([mergedStart, mergedEnd]);
        placed = true;
      }
      result.push(range);
    } else {
      mergedStart = Math.min(mergedStart, range[0]);
      mergedEnd = Math.max(mergedEnd, range[1]);
    }
  }
  if (!placed) result.push([mergedStart, mergedEnd]);
  return result;
}

/** Forget every byte at or after `offset`. */
export function truncateRanges(ranges: readonly ByteRange[], offset: number): ByteRange[] {
  const result: ByteRange[] = [];
  for (const range of ranges) {
    if (range[0] >= offset) break;
    result.push([range[0], Math.min(range[1], offset)]);
  }
  return result;
}

/** End of the run of bytes received from offset 0 without a gap. */
export function contiguousPrefix(ranges: readonly ByteRange[]): number {
  const first = ranges[0];
  return first !== undefined && first[0] === 0 ? first[1] : 0;
}
