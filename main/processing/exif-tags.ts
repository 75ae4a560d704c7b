/**
 * Just enough of EXIF (a TIFF structure) to strip location and keep the rest that is worth keeping:
 * whether a GPS directory is present, and the harmless text tags (camera, dates, author) to write
 * back. sharp can keep all EXIF or none; it cannot drop one directory, so "strip location" is "drop
 * all, write these back".
 */
export interface ExifSummary {
  hasGps: boolean;
  /** Text tags by sharp's directory names: IFD0 (the image), IFD2 (the Exif directory). */
  keep: { IFD0: Record<string, string>; IFD2: Record<string, string> };
}

const ifd0Tags: Readonly<Record<number, string>> = {
  0x010f: 'Make',
  0x0110: 'Model',
  0x0131: 'Software',
  0x0132: 'DateTime',
  0x013b: 'Artist',
  0x8298: 'Copyright',
};
const exifTags: Readonly<Record<number, string>> = {
  0x9003: 'DateTimeOriginal',
  0x9004: 'DateTimeDigitized',
  0xa433: 'LensMake',
  0xa434: 'LensModel',
};
const exifPointer = 0x8769;
const gpsPointer = 0x8825;
const asciiType = 2;

/** Read sharp's `metadata().exif` (which starts with "Exif\0\0"); a damaged block reads as empty. */
export function summariseExif(block: Buffer | undefined): ExifSummary {
  const summary: ExifSummary = { hasGps: false, keep: { IFD0: {}, IFD2: {} } };
  if (block === undefined || block.length < 14) return summary;
  const tiff = block.toString('latin1', 0, 6) === 'Exif\0\0' ? block.subarray(6) : block;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return summary;
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));

  const readIfd = (offset: number, names: Readonly<Record<number, string>>, into: Record<string, string>) => {
    const pointers: Record<number, number> = {};
    if (offset + 2 > tiff.length) return pointers;
    const count = u16(offset);
    for (let index = 0; index < count; index++) {
      const entry = offset + 2 + index * 12;
      if (entry + 12 > tiff.length) break;
      const tag = u16(entry);
      const type = u16(entry + 2);
      const length = u32(entry + 4);
      if (tag === exifPointer || tag === gpsPointer) pointers[tag] = u32(entry + 8);
      const name = names[tag];
      if (name === undefined || type !== asciiType || length === 0) continue;
      const start = length <= 4 ? entry + 8 : u32(entry + 8);
      if (start + length > tiff.length) continue;
      // Text tags end with a NUL; keep printable text only (sharp writes them back as strings).
      const text = tiff.toString('latin1', start, start + length).replace(/\0+$/, '');
      if (/^[\x20-\x7e]+$/.test(text)) into[name] = text;
    }
    return pointers;
  };

  try {
    const pointers = readIfd(u32(4), ifd0Tags, summary.keep.IFD0);
    summary.hasGps = pointers[gpsPointer] !== undefined;
    const exifOffset = pointers[exifPointer];
    if (exifOffset !== undefined) readIfd(exifOffset, exifTags, summary.keep.IFD2);
  } catch {
    // A damaged block: whatever was read stays; nothing of it is trusted to be there.
  }
  return summary;
}
