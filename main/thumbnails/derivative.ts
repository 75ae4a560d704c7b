import { basename } from 'node:path';
import { UploadError } from '../net/upload-error.ts';
import { searchHighestFitting, type BudgetSearchResult } from './budget-search.ts';
import {
  defaultMaxInputPixels,
  imageInput,
  inspectImageSource,
  openImage,
  type ImageInput,
  type SourceImage,
} from './image-source.ts';
import { loadSharp, type OutputInfo, type Sharp } from './sharp-loader.ts';

export type DerivativeFormat = 'jpeg' | 'png';

/**
 * Where a cover crop keeps the picture when the aspect ratios differ. `centre` cuts the same from both
 * sides: a banner's subject is usually in its middle. `attention` follows libvips' saliency measure
 * (skin tones, saturated colour, fine detail), which may suit photos of people, and can slide the
 * window all the way to a colourful edge and cut the subject off (measured: the whole free width on
 * a 2000×800 banner's icon).
 */
export type CropPosition = 'centre' | 'attention';

/** An exact-size rendition a provider demands, e.g. OPPO's big picture: 984×369, JPEG, ≤ 1 MB. */
export interface DerivativeSpec {
  width: number;
  height: number;
  /** Largest acceptable encoded size, in bytes. */
  maxBytes: number;
  format: DerivativeFormat;
  /** `centre` unless said. */
  position?: CropPosition;
}

export interface Derivative {
  data: Buffer;
  format: DerivativeFormat;
  width: number;
  height: number;
  /** The encoder setting that fit, for logs and history: "quality 86", "lossless", "palette 64". */
  setting: string;
}

export interface DerivativeOptions {
  maxInputPixels?: number;
  /** Checked between encodings: a derivation is CPU work that cannot be interrupted midway. */
  signal?: AbortSignal;
  /** Called after each encoding, so a caller can show it is alive during a long search. */
  onEncoded?: () => void;
}

/**
 * JPEG quality range searched. Above 90 the bytes grow fast for no visible gain; below 30 blocking
 * artefacts make a push picture unfit to show, so it is better to tell the user than to ship that.
 */
const jpegQualities = { low: 30, high: 90 } as const;
/**
 * Palette sizes searched for a PNG that does not fit losslessly; 2 colours is the last resort.
 * Quantiser effort 3: effort 7 (sharp's default) takes seconds per try on a noisy 984×369 picture
 * (measured ~7 s against ~0.35 s) for a barely smaller file.
 */
const paletteColours = { low: 2, high: 256 } as const;

/**
 * Make an exact-size derivative of the image at `sourcePath` that fits `spec.maxBytes`: EXIF
 * orientation applied, cover-cropped (centred, or around what draws the eye: `spec.position`),
 * flattened onto white for JPEG, then encoded at the highest setting that fits the budget. The source
 * is read by libvips from the path (never whole into JS memory); only the small result is a buffer.
 *
 * Throws UploadError: `image-invalid` / `file-type-unsupported` for sources that cannot be used (see
 * inspectImageSource; truncation is only found while decoding), `image-budget-unmet` when even the
 * lowest setting is too big.
 */
export async function makeDerivative(
  sourcePath: string,
  spec: DerivativeSpec,
  options: DerivativeOptions = {},
): Promise<Derivative> {
  const maxInputPixels = options.maxInputPixels ?? defaultMaxInputPixels;
  const source = await inspectImageSource(sourcePath, maxInputPixels);
  options.signal?.throwIfAborted();
  // The build safe for this process (wasm inside Electron on Linux, where native libvips can crash).
  const { sharp } = await loadSharp();
  const input = await imageInput(sharp, sourcePath);
  const pixels = await decodeCropped(sharp, sourcePath, input, source, spec, maxInputPixels);
  options.onEncoded?.();

  const encodeStep = async (encode: () => Promise<Buffer>): Promise<Buffer> => {
    options.signal?.throwIfAborted();
    const data = await encode();
    options.onEncoded?.();
    return data;
  };
  const fromPixels = () =>
    sharp(pixels.data, {
      raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels },
    });

  const result = { format: spec.format, width: spec.width, height: spec.height };
  if (spec.format === 'jpeg') {
    const search = await searchHighestFitting(
      jpegQualities.low,
      jpegQualities.high,
      spec.maxBytes,
      (quality) => encodeStep(() => fromPixels().jpeg({ quality, mozjpeg: true }).toBuffer()),
    );
    if (!search.best) throw budgetUnmet(sourcePath, spec, search, `JPEG quality ${jpegQualities.low}`);
    return { ...result, data: search.best.data, setting: `quality ${search.best.setting}` };
  }

  // PNG: lossless first (screenshots, logos and flat art usually fit), then ever fewer palette colours.
  const lossless = await encodeStep(() =>
    fromPixels().png({ compressionLevel: 9, adaptiveFiltering: true, palette: false }).toBuffer(),
  );
  if (lossless.length <= spec.maxBytes) return { ...result, data: lossless, setting: 'lossless' };
  const search = await searchHighestFitting(
    paletteColours.low,
    paletteColours.high,
    spec.maxBytes,
    (colours) =>
      encodeStep(() =>
        fromPixels().png({ palette: true, colours, dither: 1, effort: 3, compressionLevel: 9 }).toBuffer(),
      ),
  );
  if (!search.best) {
    search.smallestBytes = Math.min(search.smallestBytes, lossless.length);
    throw budgetUnmet(sourcePath, spec, search, `a ${paletteColours.low}-colour palette`);
  }
  return { ...result, data: search.best.data, setting: `palette ${search.best.setting}` };
}

/** Decode, orient and crop once into raw pixels; every encoding in the search starts from these. */
async function decodeCropped(
  sharp: Sharp,
  sourcePath: string,
  input: ImageInput,
  source: SourceImage,
  spec: DerivativeSpec,
  maxInputPixels: number,
): Promise<{ data: Buffer; info: OutputInfo }> {
  try {
    let pipeline = openImage(sharp, input, { maxInputPixels }).resize(spec.width, spec.height, {
      fit: 'cover',
      position: spec.position ?? 'centre',
    });
    // JPEG has no alpha: transparent areas become white rather than libvips' default black.
    if (spec.format === 'jpeg') pipeline = pipeline.flatten({ background: '#ffffff' });
    return await pipeline.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UploadError(
      {
        code: 'image-invalid',
        message: `"${basename(sourcePath)}" cannot be used as an image: its ${source.format.toUpperCase()} data cannot be decoded (truncated or corrupt: ${detail}).`,
      },
      { retryable: false, cause: error },
    );
  }
}

function budgetUnmet(
  sourcePath: string,
  spec: DerivativeSpec,
  search: BudgetSearchResult,
  lowestSetting: string,
): UploadError {
  return UploadError.of(
    'image-budget-unmet',
    `A ${spec.width}×${spec.height} ${spec.format.toUpperCase()} of "${basename(sourcePath)}" cannot be made to fit ` +
      `${formatBytes(spec.maxBytes)}: the smallest reached was ${formatBytes(search.smallestBytes)} ` +
      `(with ${lowestSetting}). Try a less detailed or less noisy picture${spec.format === 'png' ? ', or JPEG' : ''}.`,
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(2)} MB (${bytes} bytes)`;
  if (bytes >= 1000) return `${(bytes / 1000).toFixed(1)} KB (${bytes} bytes)`;
  return `${bytes} bytes`;
}
