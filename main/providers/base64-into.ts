const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const equals = 0x3d;

/** Bytes of base64 (padded) that `length` bytes encode to. */
export function base64Length(length: number): number {
  return 4 * Math.ceil(length / 3);
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Every 12-bit value as its two base64 characters, the first in the low byte: one 32-bit store then
 * writes the four characters of three input bytes on a little-endian machine.
 */
const pairs = new Uint16Array(4096);
for (let value = 0; value < 4096; value++)
  pairs[value] = alphabet.charCodeAt(value >> 6) | (alphabet.charCodeAt(value & 63) << 8);

const alphabetCodes = Uint8Array.from(alphabet, (char) => char.charCodeAt(0));

/**
 * Writes the base64 of `source` (what Buffer#toString('base64') gives) into `target` at `offset` and
 * returns the bytes written. No string is made: a slice streamed in pieces through one reused buffer
 * leaves no garbage per piece for the young generation to grow on.
 */
export function base64Into(source: Uint8Array, target: Uint8Array, offset = 0): number {
  const written = base64Length(source.length);
  if (offset < 0 || offset + written > target.length)
    throw new RangeError(`base64 of ${source.length} bytes needs ${written} bytes at ${offset}`);
  const whole = source.length - (source.length % 3);
  let at = offset;
  let read = 0;
  const start = target.byteOffset + offset;
  if (littleEndian && start % 4 === 0 && whole > 0) {
    const words = new Uint32Array(target.buffer, start, whole / 3);
    for (let word = 0; read < whole; word++, read += 3) {
      const value = (source[read]! << 16) | (source[read + 1]! << 8) | source[read + 2]!;
      words[word] = pairs[value >>> 12]! | (pairs[value & 4095]! << 16);
    }
    at += (whole / 3) * 4;
  } else {
    for (; read < whole; read += 3, at += 4) {
      const value = (source[read]! << 16) | (source[read + 1]! << 8) | source[read + 2]!;
      target[at] = alphabetCodes[value >>> 18]!;
      target[at + 1] = alphabetCodes[(value >>> 12) & 63]!;
      target[at + 2] = alphabetCodes[(value >>> 6) & 63]!;
      target[at + 3] = alphabetCodes[value & 63]!;
    }
  }
  const left = source.length - whole;
  if (left > 0) {
    const value = (source[read]! << 16) | (left === 2 ? source[read + 1]! << 8 : 0);
    target[at] = alphabetCodes[value >>> 18]!;
    target[at + 1] = alphabetCodes[(value >>> 12) & 63]!;
    target[at + 2] = left === 2 ? alphabetCodes[(value >>> 6) & 63]! : equals;
    target[at + 3] = equals;
  }
  return written;
}
