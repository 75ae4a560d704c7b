import { describe, expect, it } from 'vitest';
import {
  planAllSlices,
  planSlice,
  sliceAlignment,
} from '../../../../main/providers/tencent-im/slice-plan.ts';

describe('planSlice', () => {
  it('starts at the server offset and takes a full slice while the file has room', () => {
    expect(planSlice(0, 10 * 1024 * 1024, 1024 * 1024)).toEqual({ offset: 0, size: 1024 * 1024 });
    expect(planSlice(4096, 10 * 1024 * 1024, 1024 * 1024)).toEqual({ offset: 4096, size: 1024 * 1024 });
  });

  it('shortens the last slice to what is left', () => {
    expect(planSlice(1024 * 1024, 1024 * 1024 + 1, 1024 * 1024)).toEqual({ offset: 1024 * 1024, size: 1 });
  });

  it('plans one empty slice for a 0-byte file', () => {
    expect(planSlice(0, 0)).toEqual({ offset: 0, size: 0 });
    expect(planAllSlices(0)).toEqual([{ offset: 0, size: 0 }]);
  });

  it('refuses an offset that is not 4K aligned, past the end, or negative', () => {
    expect(() => planSlice(100, 10_000, 4096)).toThrow(/multiple of 4096/);
    expect(() => planSlice(20_480, 10_000, 4096)).toThrow(/outside the file/);
    expect(() => planSlice(-4096, 10_000, 4096)).toThrow(/outside the file/);
  });

  it('accepts offset = size (nothing left) even when the size is unaligned', () => {
    expect(planSlice(5000, 5000, 4096)).toEqual({ offset: 5000, size: 0 });
  });

  it('refuses slice sizes that would break alignment', () => {
    expect(() => planSlice(0, 10_000, 5000)).toThrow(/positive multiple/);
    expect(() => planSlice(0, 10_000, 0)).toThrow(/positive multiple/);
  });
});

describe('planAllSlices', () => {
  it('covers the file exactly once with aligned offsets for many sizes', () => {
    for (const size of [1, 4095, 4096, 4097, 131_072, 1_000_000, 25 * 1024 * 1024 + 1]) {
      const slices = planAllSlices(size, 128 * 1024);
      let expected = 0;
      for (const slice of slices) {
        expect(slice.offset).toBe(expected);
        expect(slice.offset % sliceAlignment).toBe(0);
        expect(slice.size).toBeGreaterThan(0);
        expected += slice.size;
      }
      expect(expected).toBe(size);
      expect(slices).toHaveLength(Math.ceil(size / (128 * 1024)));
    }
  });

  it('sends no trailing empty slice when the size is an exact multiple of the slice size', () => {
    const slices = planAllSlices(2 * 128 * 1024, 128 * 1024);
    expect(slices).toEqual([
      { offset: 0, size: 131_072 },
      { offset: 131_072, size: 131_072 },
    ]);
  });
});
