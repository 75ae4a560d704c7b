import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processImage } from '../../../main/processing/image-processor.ts';
import { makeDerivative } from '../../../main/thumbnails/derivative.ts';
import {
  imageInput,
  measureImage,
  openImage,
  wasmInMemoryMaxBytes,
} from '../../../main/thumbnails/image-source.ts';
import { availableSharpBuilds, loadSharp } from '../../../main/thumbnails/sharp-loader.ts';
import { createThumbnailer } from '../../../main/thumbnails/thumbnailer.ts';
import { defaultProcessingSettings } from '../../../shared/processing.ts';
import { tempDir } from '../../support/temp.ts';

// The one front every sharp path in Ferry opens images through (thumbnails, the processing step, the
// OPPO derivatives): the same measure of the header, the same pixel limit, the same orientation.
// Real images through sharp.

let dir: string;
let turned: string;
let animated: string;

beforeAll(async () => {
  dir = tempDir('ferry-image-source-');
  // Stored 400×300, EXIF orientation 6: shown 300×400.
  turned = join(dir, 'turned.jpg');
  await sharp({ create: { width: 400, height: 300, channels: 3, background: '#c04020' } })
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toFile(turned);
  // Three frames of 40×30.
  const frames = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((background) =>
      sharp({ create: { width: 40, height: 30, channels: 3, background } })
        .raw()
        .toBuffer(),
    ),
  );
  animated = join(dir, 'animated.gif');
  await sharp(Buffer.concat(frames), { raw: { width: 40, height: 90, channels: 3, pageHeight: 30 } })
    .gif({ loop: 0 })
    .toFile(animated);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('measureImage and openImage', () => {
  it('measure one frame as displayed: the orientation applied, the frames counted', async () => {
    expect(await measureImage(sharp, turned)).toMatchObject({
      format: 'jpeg',
      width: 300,
      height: 400,
      pages: 1,
    });
    expect(await measureImage(sharp, animated)).toMatchObject({
      format: 'gif',
      width: 40,
      height: 30,
      pages: 3,
    });
  });

  it('open an image upright for its pixels, and an animated one with its frames', async () => {
    const upright = await openImage(sharp, turned, { maxInputPixels: 1e6 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([upright.info.width, upright.info.height]).toEqual([300, 400]);
    const frames = await openImage(sharp, animated, { maxInputPixels: 1e6, animated: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([frames.info.width, frames.info.height]).toEqual([40, 90]);
  });

  it('give the thumbnails, the processing step and the derivatives one pixel limit, counted on the picture as shown', async () => {
    // 300×400 = 120,000 pixels: one pixel fewer allowed is a refusal everywhere, exactly that many is not.
    const limit = 300 * 400;
    const thumbnails = (maxInputPixels: number) =>
      createThumbnailer({
        cacheDir: join(dir, `cache-${maxInputPixels}`),
        sharp,
        maxInputPixels,
      }).thumbnailFor(turned, { sha256: String(maxInputPixels % 10).repeat(64) });
    const processing = (maxInputPixels: number) =>
      processImage(
        turned,
        join(dir, `out-${maxInputPixels}.webp`),
        { ...defaultProcessingSettings, format: 'webp' },
        {
          maxInputPixels,
        },
      );
    const derivative = (maxInputPixels: number) =>
      makeDerivative(turned, { format: 'jpeg', width: 60, height: 80, maxBytes: 50_000 }, { maxInputPixels });

    expect(await thumbnails(limit - 1)).toMatchObject({ error: { code: 'image-invalid' } });
    await expect(processing(limit - 1)).rejects.toMatchObject({ view: { code: 'image-invalid' } });
    await expect(derivative(limit - 1)).rejects.toMatchObject({ view: { code: 'image-invalid' } });

    expect(await thumbnails(limit)).toMatchObject({ width: 192, height: 256 });
    expect(await processing(limit)).toMatchObject({
      kind: 'processed',
      format: 'webp',
      width: 300,
      height: 400,
    });
    expect(await derivative(limit)).toMatchObject({ width: 60, height: 80 });
  });
});

const wasmLoadable = (await availableSharpBuilds()).includes('wasm');

describe('imageInput', () => {
  it('hands the native build the path: libvips reads the file on its own threads', async () => {
    expect(await imageInput(sharp, turned)).toBe(turned);
  });

  // Skipped, and said so, where @img/sharp-wasm32 is not installed.
  it.runIf(wasmLoadable)(
    "hands the wasm build the file's bytes, and the path past the in-memory limit",
    async () => {
      const { sharp: wasm } = await loadSharp({ prefer: 'wasm' });
      const input = await imageInput(wasm, turned);
      expect(Buffer.isBuffer(input)).toBe(true);
      expect(input).toEqual(readFileSync(turned));
      expect(await imageInput(wasm, turned, wasmInMemoryMaxBytes + 1)).toBe(turned);
    },
  );

  it.runIf(wasmLoadable)(
    'gives the processing step on the wasm build the same picture as on native',
    async () => {
      const { sharp: wasm } = await loadSharp({ prefer: 'wasm' });
      const settings = { ...defaultProcessingSettings, format: 'webp' as const };
      const onWasm = await processImage(turned, join(dir, 'wasm.webp'), settings, { sharp: wasm });
      const onNative = await processImage(turned, join(dir, 'native.webp'), settings, { sharp });
      expect(onWasm).toMatchObject({ kind: 'processed', format: 'webp', width: 300, height: 400 });
      expect(onNative).toMatchObject({ kind: 'processed', format: 'webp', width: 300, height: 400 });
    },
  );
});
