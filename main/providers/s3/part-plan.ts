export const mebibyte = 1024 * 1024;
/** Ferry's smallest part: above S3's 5 MiB floor, and few enough requests for typical files. */
export const minimumPartSize = 8 * mebibyte;
/**
 * S3's own limits (docs/providers.md#s3-compatible-storage); some S3-compatible services allow only 1,000
 * parts.
 */
export const maxPartCount = 10_000;
export const maxPartSize = 5 * 1024 * mebibyte;

export interface PartPlan {
  partSize: number;
  partCount: number;
}

/**
 * Part size = max(8 MiB, ceil(size / maxParts)); a file of one part or less (0 bytes included) is a
 * single PutObject rather than a multipart upload.
 */
export function planParts(size: number, maxParts: number): PartPlan {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`impossible file size ${size}`);
  if (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > maxPartCount) {
    throw new RangeError(`maxParts must be 1 to ${maxPartCount}: ${maxParts}`);
  }
  const partSize = Math.max(minimumPartSize, Math.ceil(size / maxParts));
  if (partSize > maxPartSize) {
    throw new RangeError(`${size} bytes need parts over 5 GiB with at most ${maxParts} parts`);
  }
  return { partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/** Bytes [start, end) of part `partNumber` (1-based). */
export function partRange(
  partNumber: number,
  partSize: number,
  size: number,
): { start: number; end: number } {
  const start = (partNumber - 1) * partSize;
  return { start, end: Math.min(size, start + partSize) };
}
