export const mebibyte = 1024 * 1024;
/** S3 refuses a part under 5 MiB, the last one excepted. */
export const s3MinimumPartSize = 5 * mebibyte;
/** Ferry's smallest part unless the user sets one: few enough requests for typical files. */
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
 * The smallest part to send: the user's part size (the partSizeMiB setting) raised to S3's 5 MiB
 * floor, or Ferry's 8 MiB when the user left it to Ferry.
 */
export function partSizeFloor(preferred: number | undefined): number {
  if (preferred === undefined) return minimumPartSize;
  return Math.min(maxPartSize, Math.max(s3MinimumPartSize, preferred));
}

/**
 * Part size = max(floor, ceil(size / maxParts)), so no upload needs more than maxParts parts; a file
 * of one part or less (0 bytes included) is a single PutObject rather than a multipart upload.
 */
export function planParts(size: number, maxParts: number, floor = minimumPartSize): PartPlan {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`impossible file size ${size}`);
  if (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > maxPartCount) {
    throw new RangeError(`maxParts must be 1 to ${maxPartCount}: ${maxParts}`);
  }
  const partSize = Math.max(floor, Math.ceil(size / maxParts));
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
