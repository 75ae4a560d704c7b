import { describe, expect, it } from 'vitest';
import { mebibyte, partRange, partSizeFloor, planParts } from '../../../../main/providers/s3/part-plan.ts';

describe('planParts', () => {
  it('uses 8 MiB parts while they fit under maxParts', () => {
    expect(planParts(40 * mebibyte, 10_000)).toEqual({ partSize: 8 * mebibyte, partCount: 5 });
    expect(planParts(40 * mebibyte + 1, 10_000)).toEqual({ partSize: 8 * mebibyte, partCount: 6 });
  });

  it('makes a file of one part or less (0 bytes included) a single part', () => {
    expect(planParts(0, 10_000)).toEqual({ partSize: 8 * mebibyte, partCount: 1 });
    expect(planParts(1, 10_000).partCount).toBe(1);
    expect(planParts(8 * mebibyte, 10_000).partCount).toBe(1);
    expect(planParts(8 * mebibyte + 1, 10_000).partCount).toBe(2);
  });

  it('grows the part size to ceil(size / maxParts) when 8 MiB parts would be too many', () => {
    const size = 100 * 1024 * mebibyte + 7; // 100 GiB and change
    const plan = planParts(size, 1000);
    expect(plan.partSize).toBe(Math.ceil(size / 1000));
    expect(plan.partCount).toBeLessThanOrEqual(1000);
    expect(plan.partSize * plan.partCount).toBeGreaterThanOrEqual(size);
    expect(planParts(size, 10_000).partSize).toBe(Math.ceil(size / 10_000));
  });

  it('uses a given floor, still growing parts to stay within maxParts', () => {
    expect(planParts(12 * mebibyte, 10_000, 5 * mebibyte)).toEqual({ partSize: 5 * mebibyte, partCount: 3 });
    expect(planParts(12 * mebibyte, 2, 5 * mebibyte)).toEqual({ partSize: 6 * mebibyte, partCount: 2 });
    expect(planParts(12 * mebibyte, 10_000, 16 * mebibyte).partCount).toBe(1);
  });

  it('refuses impossible inputs', () => {
    expect(() => planParts(-1, 10)).toThrow(RangeError);
    expect(() => planParts(10, 0)).toThrow(RangeError);
    expect(() => planParts(10, 10_001)).toThrow(RangeError);
    expect(() => planParts(6 * 1024 ** 4, 1000)).toThrow(/over 5 GiB/);
  });
});

describe('partRange', () => {
  it('covers the file exactly, the last part shorter', () => {
    const size = 20 * mebibyte + 5;
    const { partSize, partCount } = planParts(size, 10_000);
    const ranges = Array.from({ length: partCount }, (_, index) => partRange(index + 1, partSize, size));
    expect(ranges[0]).toEqual({ start: 0, end: 8 * mebibyte });
    expect(ranges.at(-1)).toEqual({ start: 16 * mebibyte, end: size });
    for (let index = 1; index < ranges.length; index++)
      expect(ranges[index]!.start).toBe(ranges[index - 1]!.end);
  });
});

describe('partSizeFloor (the partSizeMiB setting for S3)', () => {
  it('is Ferry’s 8 MiB when the user left it to Ferry', () => {
    expect(partSizeFloor(undefined)).toBe(8 * mebibyte);
  });

  it('is the user’s size, raised to S3’s 5 MiB minimum', () => {
    expect(partSizeFloor(32 * mebibyte)).toBe(32 * mebibyte);
    expect(partSizeFloor(5 * mebibyte)).toBe(5 * mebibyte);
    expect(partSizeFloor(1 * mebibyte)).toBe(5 * mebibyte);
  });
});
