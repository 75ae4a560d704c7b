import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultProcessingSettings, type ProcessingSettings } from '../../../shared/processing.ts';
import { UploadError } from '../../../main/net/upload-error.ts';
import { summariseExif } from '../../../main/processing/exif-tags.ts';
import { fittedSize, processImage } from '../../../main/processing/image-processor.ts';
import { tempDir } from '../../support/temp.ts';
import { pngClaiming } from '../../support/png-claiming.ts';

let dir: string;
let photo: string;
beforeAll(async () => {
  dir = tempDir('ferry-processing-');
  // 4000×3000 (12 MP) as stored, EXIF orientation 6 (shown as 3000×4000), with a GPS position.
  photo = await write(
    'phone.jpg',
    photoLike(4000, 3000)
      .jpeg({ quality: 85 })
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'FerryCam', Model: 'Test 1' },
        IFD2: { DateTimeOriginal: '2024:05:01 12:00:00' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '48/1 51/1 2400/100',
          GPSLongitudeRef: 'E',
          GPSLongitude: '2/1 21/1 0/1',
        },
      }),
  );
}, 60_000);

function settings(patch: Partial<ProcessingSettings>): ProcessingSettings {
  return { ...defaultProcessingSettings, ...patch };
}

/** Smooth colour blobs: photo-like content that encoders treat as they treat photos. */
function photoLike(width: number, height: number): Sharp {
  const small = sharp({
    create: {
      width: Math.ceil(width / 50),
      height: Math.ceil(height / 50),
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  });
  // Scaled up from a tiny noise image in one pipeline (libvips streams it).
  return small.resize(width, height, { kernel: 'cubic' });
}

async function write(name: string, image: Sharp): Promise<string> {
  const path = join(dir, name);
  await image.toFile(path);
  return path;
}

async function animatedGif(): Promise<string> {
  const frames = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((colour) =>
      sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
        .raw()
        .toBuffer(),
    ),
  );
  const strip = Buffer.concat(frames);
  return write(
    'spinner.gif',
    sharp(strip, { raw: { width: 64, height: 48 * 3, channels: 3, pageHeight: 48 } }).gif({
      delay: [100, 100, 100],
    }),
  );
}

/** A PNG whose header promises 30000×30000 pixels: a few dozen bytes that would decode to 3.6 GB. */
function pngBomb(): string {
  const path = join(dir, 'bomb.png');
  writeFileSync(path, pngClaiming(30_000, 30_000));
  return path;
}

describe('processImage with real images through sharp', () => {
  it('a 12 MP phone photo to WebP, max 1920: turned upright, fitted, location gone, camera kept', async () => {
    const out = join(dir, 'phone.webp');
    const result = await processImage(
      photo,
      out,
      settings({ format: 'webp', maxWidth: 1920, maxHeight: 1920 }),
    );
    expect(result).toMatchObject({ kind: 'processed', path: out, format: 'webp', width: 1440, height: 1920 });
    expect(result.name).toBe('phone.webp');
    expect(result.removed).toContain('location');
    const metadata = await sharp(out).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['webp', 1440, 1920]);
    expect(metadata.orientation ?? 1).toBe(1);
    const exif = summariseExif(metadata.exif);
    expect(exif.hasGps).toBe(false);
    expect(exif.keep.IFD0.Make).toBe('FerryCam');
    expect(exif.keep.IFD2.DateTimeOriginal).toBe('2024:05:01 12:00:00');
    expect(result.size).toBe(readFileSync(out).length);
    expect(existsSync(`${out}.part`)).toBe(false);
  }, 60_000);

  it('the source photo really carries GPS and orientation (so the test above can fail)', async () => {
    const metadata = await sharp(photo).metadata();
    expect(metadata.orientation).toBe(6);
    expect(summariseExif(metadata.exif).hasGps).toBe(true);
  });

  it('keep format, strip location (the default): a JPEG again, upright, without GPS', async () => {
    const out = join(dir, 'phone-kept.jpg');
    const result = await processImage(photo, out, defaultProcessingSettings);
    expect(result).toMatchObject({
      kind: 'processed',
      format: 'jpeg',
      width: 3000,
      height: 4000,
      name: 'phone.jpg',
    });
    const metadata = await sharp(out).metadata();
    expect([metadata.width, metadata.height]).toEqual([3000, 4000]);
    expect(summariseExif(metadata.exif).hasGps).toBe(false);
  }, 60_000);

  it('strip all leaves no EXIF; keep all leaves the GPS in place', async () => {
    const all = join(dir, 'phone-all.webp');
    await processImage(photo, all, settings({ format: 'webp', maxWidth: 800, stripMetadata: 'all' }));
    expect((await sharp(all).metadata()).exif).toBeUndefined();
    const none = join(dir, 'phone-none.webp');
    const kept = await processImage(
      photo,
      none,
      settings({ format: 'webp', maxWidth: 800, stripMetadata: 'none' }),
    );
    expect(kept.removed).toEqual([]);
    expect(summariseExif((await sharp(none).metadata()).exif).hasGps).toBe(true);
  }, 60_000);

  it('an animated GIF stays animated as WebP, and is left as it is for JPEG', async () => {
    const gif = await animatedGif();
    const out = join(dir, 'spinner.webp');
    const webp = await processImage(gif, out, settings({ format: 'webp', keepSmallerOriginal: false }));
    expect(webp).toMatchObject({ kind: 'processed', format: 'webp', width: 64, height: 48 });
    const metadata = await sharp(out, { animated: true }).metadata();
    expect(metadata.pages).toBe(3);
    const jpeg = await processImage(gif, join(dir, 'spinner.jpg'), settings({ format: 'jpeg' }));
    expect(jpeg).toMatchObject({ kind: 'original', path: gif });
    expect(jpeg.notice).toMatch(/animated/);
    expect(existsSync(join(dir, 'spinner.jpg'))).toBe(false);
  });

  it('a PNG screenshot with nothing to change is sent as it is; to lossless WebP it converts', async () => {
    // Flat colours with sharp edges, as a screenshot has: bars of a few greys and a blue button.
    const pixels = Buffer.alloc(800 * 600 * 3, 0xfa);
    for (let y = 0; y < 600; y++) {
      for (let x = 0; x < 800; x++) {
        const at = (y * 800 + x) * 3;
        if (y % 40 < 2) pixels.fill(0xd0, at, at + 3);
        if (x > 500 && x < 700 && y > 500 && y < 550) pixels.set([0x25, 0x63, 0xeb], at);
      }
    }
    const png = await write(
      'screenshot.png',
      sharp(pixels, { raw: { width: 800, height: 600, channels: 3 } }).png(),
    );
    const same = await processImage(png, join(dir, 'screenshot-same.png'), defaultProcessingSettings);
    expect(same).toMatchObject({ kind: 'original', path: png, notice: null });
    const out = join(dir, 'screenshot.webp');
    const lossless = await processImage(png, out, settings({ format: 'webp', lossless: true }));
    expect(lossless).toMatchObject({ kind: 'processed', format: 'webp', width: 800, height: 600 });
    const [before, after] = await Promise.all([
      sharp(png).raw().toBuffer(),
      sharp(out).removeAlpha().raw().toBuffer(),
    ]);
    expect(after.equals(before)).toBe(true);
  });

  it('a CMYK JPEG comes out as sRGB WebP', async () => {
    const cmyk = await write('print.jpg', photoLike(400, 300).toColourspace('cmyk').jpeg());
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const out = join(dir, 'print.webp');
    const result = await processImage(cmyk, out, settings({ format: 'webp' }));
    expect(result.kind).toBe('processed');
    const metadata = await sharp(out).metadata();
    expect([metadata.format, metadata.space, metadata.width]).toEqual(['webp', 'srgb', 400]);
  });

  it('a 1×1 image converts and gets no watermark (below the minimum side), with a notice saying so', async () => {
    const dot = await write(
      'dot.png',
      sharp({ create: { width: 1, height: 1, channels: 4, background: '#f00' } }).png(),
    );
    const out = join(dir, 'dot.webp');
    const result = await processImage(
      dot,
      out,
      settings({ format: 'webp', lossless: true, keepSmallerOriginal: false, watermarkText: 'ferry' }),
    );
    expect(result).toMatchObject({ kind: 'processed', width: 1, height: 1 });
    expect(result.notice).toMatch(/No watermark/);
  });

  it('keeps the original when the result would be larger and nothing had to change', async () => {
    const flat = await write(
      'flat.png',
      sharp({ create: { width: 500, height: 500, channels: 3, background: '#123456' } }).png({
        palette: true,
      }),
    );
    const result = await processImage(
      flat,
      join(dir, 'flat.jpg'),
      settings({ format: 'jpeg', quality: 100 }),
    );
    expect(result).toMatchObject({ kind: 'original', path: flat });
    const forced = await processImage(
      flat,
      join(dir, 'flat-forced.jpg'),
      settings({ format: 'jpeg', quality: 100, keepSmallerOriginal: false }),
    );
    expect(forced.kind).toBe('processed');
    expect(forced.size).toBeGreaterThan(readFileSync(flat).length);
  });

  it('a text watermark changes the corner it is placed in, and only there', async () => {
    const plain = await write(
      'plain.png',
      sharp({ create: { width: 1000, height: 800, channels: 3, background: '#202020' } }).png(),
    );
    const out = join(dir, 'marked.png');
    const result = await processImage(
      plain,
      out,
      settings({
        watermarkText: 'FERRY FERRY',
        watermarkSizePercent: 10,
        watermarkOpacity: 1,
        watermarkPosition: 'bottom-right',
      }),
    );
    expect(result.kind).toBe('processed');
    // stats() reads the input, not the pipeline: each region is cut out first.
    const region = async (left: number, top: number) =>
      sharp(await sharp(out).extract({ left, top, width: 500, height: 200 }).toBuffer()).stats();
    const corner = await region(500, 600);
    const opposite = await region(0, 0);
    expect(corner.channels[0]!.max).toBeGreaterThan(200);
    expect(opposite.channels[0]!.max).toBe(0x20);
  });

  it('a truncated JPEG is sent as it is, with a notice', async () => {
    const whole = readFileSync(await write('whole.jpg', photoLike(600, 400).jpeg()));
    const truncated = join(dir, 'truncated.jpg');
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const result = await processImage(truncated, join(dir, 'truncated.webp'), settings({ format: 'webp' }));
    expect(result).toMatchObject({ kind: 'original', path: truncated });
    expect(result.notice).toMatch(/could not be processed/);
    expect(existsSync(join(dir, 'truncated.webp.part'))).toBe(false);
  });

  it('a decompression bomb is refused by the pixel limit, before any decoding', async () => {
    const error = await processImage(pngBomb(), join(dir, 'bomb.webp'), settings({ format: 'webp' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).view.code).toBe('image-invalid');
    expect((error as UploadError).view.message).toMatch(/30000×30000/);
  });

  it('non-images pass untouched, without a notice', async () => {
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello');
    expect(await processImage(text, join(dir, 'notes.out'), settings({ format: 'webp' }))).toMatchObject({
      kind: 'original',
      path: text,
      notice: null,
      format: null,
    });
  });

  it('looks at the bytes it was handed, read whole by the engine, instead of opening the file again', async () => {
    const missing = join(dir, 'read-already.txt'); // never written: only the bytes handed over exist
    const contents = Buffer.from('not an image, already read');
    const outcome = await processImage(missing, join(dir, 'read-already.out'), settings({ format: 'webp' }), {
      contents,
    });
    expect(outcome).toMatchObject({ kind: 'original', path: missing, size: contents.length, notice: null });
  });

  it('a file that is not an image is not held behind a photo being encoded (one encode at a time)', async () => {
    const text = join(dir, 'beside.txt');
    writeFileSync(text, 'not an image');
    const finished: string[] = [];
    const encoding = processImage(photo, join(dir, 'beside.webp'), settings({ format: 'webp' })).then(() =>
      finished.push('photo'),
    );
    const sniffed = processImage(text, join(dir, 'beside.out'), settings({ format: 'webp' })).then(() =>
      finished.push('text'),
    );
    await Promise.all([encoding, sniffed]);
    expect(finished).toEqual(['text', 'photo']);
  }, 60_000);
});

describe('fittedSize', () => {
  it('fits inside the box, never enlarges, and treats 0 as no limit', () => {
    expect(fittedSize(4000, 3000, 1920, 1920)).toEqual({ width: 1920, height: 1440 });
    expect(fittedSize(100, 50, 1920, 1080)).toEqual({ width: 100, height: 50 });
    expect(fittedSize(4000, 3000, 0, 1000)).toEqual({ width: 1333, height: 1000 });
    expect(fittedSize(4000, 3000, 0, 0)).toEqual({ width: 4000, height: 3000 });
  });
});
