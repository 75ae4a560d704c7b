import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Into, base64Length } from '../../../main/providers/base64-into.ts';

/** `bytes` placed at `shift` inside a larger buffer, so both views start at every alignment. */
function shifted(bytes: Uint8Array, shift: number): Buffer {
  const room = Buffer.alloc(bytes.length + shift + 3);
  room.set(bytes, shift);
  return room.subarray(shift, shift + bytes.length);
}

describe('base64Into', () => {
  it('writes what Buffer#toString("base64") gives, for every length, alignment and byte value', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (bytes, sourceShift, targetShift) => {
          const source = shifted(bytes, sourceShift);
          const target = shifted(new Uint8Array(base64Length(bytes.length) + 5).fill(0x2a), targetShift);
          const written = base64Into(source, target, 2);
          expect(written).toBe(base64Length(bytes.length));
          expect(target.subarray(2, 2 + written).toString('latin1')).toBe(
            Buffer.from(bytes).toString('base64'),
          );
          // Nothing around the output is touched.
          expect(
            [...target.subarray(0, 2), ...target.subarray(2 + written)].every((byte) => byte === 0x2a),
          ).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('encodes all 256 byte values in every position of a 3-byte group', () => {
    // Group k is [k, 255 - k, 7k mod 256]: each position of a group takes each of the 256 values.
    const groups = Array.from({ length: 256 }, (_, k) => [k, 255 - k, (7 * k) & 255]).flat();
    for (let shift = 0; shift < 3; shift++) {
      const source = Buffer.from(groups).subarray(shift);
      const target = Buffer.alloc(base64Length(source.length));
      expect(target.subarray(0, base64Into(source, target)).toString('latin1')).toBe(
        source.toString('base64'),
      );
    }
  });

  it('refuses a target too small instead of writing past its end', () => {
    expect(() => base64Into(new Uint8Array(4), new Uint8Array(7))).toThrow(RangeError);
    expect(() => base64Into(new Uint8Array(3), new Uint8Array(4), 1)).toThrow(RangeError);
  });
});
