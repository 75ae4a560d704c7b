import { describe, expect, it } from 'vitest';
import {
  addRange,
  contiguousPrefix,
  truncateRanges,
} from '../../../../main/sandbox/tencent-im/received-ranges.ts';
import type { ByteRange } from '../../../../main/sandbox/tencent-im/received-ranges.ts';

function build(...ranges: Array<[number, number]>): ByteRange[] {
  return ranges.reduce<ByteRange[]>((all, [start, end]) => addRange(all, start, end), []);
}

describe('received ranges', () => {
  it('keeps disjoint ranges sorted', () => {
    expect(build([20, 30], [0, 10], [40, 50])).toEqual([
      [0, 10],
      [20, 30],
      [40, 50],
    ]);
  });

  it('merges overlapping and adjacent ranges', () => {
    expect(build([0, 10], [10, 20])).toEqual([[0, 20]]);
    expect(build([0, 10], [20, 30], [5, 25])).toEqual([[0, 30]]);
    expect(build([20, 30], [40, 50], [0, 100])).toEqual([[0, 100]]);
  });

  it('ignores empty ranges and repeats', () => {
    expect(build([0, 10], [5, 5], [0, 10])).toEqual([[0, 10]]);
  });

  it('measures the gap-free prefix from 0', () => {
    expect(contiguousPrefix(build([0, 10], [20, 30]))).toBe(10);
    expect(contiguousPrefix(build([5, 10]))).toBe(0);
    expect(contiguousPrefix([])).toBe(0);
  });

  it('truncates at an offset', () => {
    const ranges = build([0, 10], [20, 30], [40, 50]);
    expect(truncateRanges(ranges, 25)).toEqual([
      [0, 10],
      [20, 25],
    ]);
    expect(truncateRanges(ranges, 20)).toEqual([[0, 10]]);
    expect(truncateRanges(ranges, 0)).toEqual([]);
  });
});
