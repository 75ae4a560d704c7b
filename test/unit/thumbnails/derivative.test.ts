import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { UploadError } from '../../../main/net/upload-error.ts';
import { makeDerivative, type DerivativeSpec } from '../../../main/thumbnails/derivative.ts';
import { tempDir } from '../../support/temp.ts';

const bigPicture = { width: 984, height: 369, maxBytes: 1_000_000 } as const;
const smallIcon = { width: 144, height: 144, maxBytes: 50_000 } as const;

let dir: string;
beforeAll(() => {
  dir = tempDir('ferry-derivative-');
});

/** Gaussian noise: the hardest content to compress, so budgets are really exercised. */
function noise(width: number, height: number, channels: 3 | 4 = 3): Sharp {
  return sharp({
    create: {
      width,
      height,
      channels,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  });
}

/** Smooth random blobs at full size: photo-like content, quick to make (noise scaled up). */
async function photoLike(width: number, height: number): Promise<Sharp> {
  const small = await noise(Math.ceil(width / 40), Math.ceil(height / 40))
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(small.data, { raw: small.info })
    .resize(width, height, { kernel: 'cubic' })
    .jpeg({ quality: 90 });
}

async function write(name: string, image: Sharp): Promise<string> {
  const path = join(dir, name);
  await image.toFile(path);
  return path;
}

/** Decode a result as a consumer would: the real format, dimensions and byte size. */
async function decoded(data: Buffer) {
  const metadata = await sharp(data).metadata();
  return { format: metadata.format, width: metadata.width, height: metadata.height, bytes: data.length };
}

/** The same crop as the derivative maker's, as raw pixels, to re-encode at a chosen setting. */
async function jpegOfCrop(path: string, width: number, height: number, quality: number): Promise<Buffer> {
  const { data, info } = await sharp(path)
    .rotate()
    .resize(width, height, { fit: 'cover', position: 'centre' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .jpeg({ quality, mozjpeg: true })
    .toBuffer();
}

async function failure(promise: Promise<unknown>): Promise<UploadError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UploadError);
  return error as UploadError;
}

describe('makeDerivative', () => {
  it('makes both OPPO sizes from a large JPEG, exact and under budget', async () => {
    const photo = await write('photo.jpg', await photoLike(4000, 3000));
    for (const size of [bigPicture, smallIcon]) {
      const derivative = await makeDerivative(photo, { ...size, format: 'jpeg' });
      expect(await decoded(derivative.data)).toEqual({
        format: 'jpeg',
        width: size.width,
        height: size.height,
        bytes: derivative.data.length,
      });
      expect(derivative.data.length).toBeLessThanOrEqual(size.maxBytes);
      expect(derivative.setting).toMatch(/^quality \d+$/);
    }
  });

  it('searches the JPEG quality down until noise fits the small-icon budget', async () => {
    const noisy = await write('noisy.png', noise(144, 144));
    const budget = 8000;
    const derivative = await makeDerivative(noisy, { ...smallIcon, maxBytes: budget, format: 'jpeg' });
    expect(derivative.data.length).toBeLessThanOrEqual(budget);
    const quality = Number(derivative.setting.replace('quality ', ''));
    expect(quality).toBeLessThan(90);
    // The search took the highest quality that fits: one step up no longer does.
    expect((await jpegOfCrop(noisy, 144, 144, quality)).equals(derivative.data)).toBe(true);
    expect((await jpegOfCrop(noisy, 144, 144, quality + 1)).length).toBeGreaterThan(budget);
  });

  it('quantises a noisy PNG to a palette when lossless is over budget, for both OPPO sizes', async () => {
    const noisy = await write('noisy-rgba.png', noise(1500, 1000, 4));
    for (const size of [bigPicture, smallIcon]) {
      const derivative = await makeDerivative(noisy, { ...size, format: 'png' });
      const result = await decoded(derivative.data);
      expect(result).toMatchObject({ format: 'png', width: size.width, height: size.height });
      expect(result.bytes).toBeLessThanOrEqual(size.maxBytes);
      expect(derivative.setting).toMatch(/^palette \d+$/);
    }
  });

  it('keeps a flat PNG lossless when it fits', async () => {
    const flat = await write(
      'flat.png',
      sharp({ create: { width: 800, height: 300, channels: 4, background: '#3366cc80' } }).png(),
    );
    const derivative = await makeDerivative(flat, { ...bigPicture, format: 'png' });
    expect(derivative.setting).toBe('lossless');
    const { data, info } = await sharp(derivative.data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4); // PNG keeps transparency
    // Resizing premultiplies alpha: a unit or two of rounding on the colour channels.
    [0x33, 0x66, 0xcc, 0x80].forEach((want, i) => expect(Math.abs(data[i]! - want)).toBeLessThanOrEqual(3));
  });

  it('flattens transparency onto white for JPEG', async () => {
    const clear = await write(
      'clear.png',
      sharp({ create: { width: 300, height: 300, channels: 4, background: '#00000000' } }).png(),
    );
    const derivative = await makeDerivative(clear, { ...smallIcon, format: 'jpeg' });
    const { data } = await sharp(derivative.data).raw().toBuffer({ resolveWithObject: true });
    expect(Math.min(...data.subarray(0, 3))).toBeGreaterThan(250);
  });

  it('reads WebP sources', async () => {
    const webp = await write('photo.webp', noise(1200, 900).blur(1).webp({ quality: 80 }));
    const derivative = await makeDerivative(webp, { ...bigPicture, format: 'jpeg' });
    expect(await decoded(derivative.data)).toMatchObject({ format: 'jpeg', width: 984, height: 369 });
  });

  it('applies the EXIF orientation before cropping', async () => {
    // Stored landscape (400×200): left half red, right half blue; EXIF 6 displays it as a portrait,
    // red on top and blue below. A 100×200 target has the displayed aspect, so nothing is cropped.
    const halves = Buffer.alloc(400 * 200 * 3);
    for (let y = 0; y < 200; y++) {
      for (let x = 0; x < 400; x++) halves.set(x < 200 ? [255, 0, 0] : [0, 0, 255], (y * 400 + x) * 3);
    }
    const rotated = await write(
      'rotated.jpg',
      sharp(halves, { raw: { width: 400, height: 200, channels: 3 } })
        .jpeg({ quality: 95 })
        .withMetadata({ orientation: 6 }),
    );
    expect((await sharp(rotated).metadata()).orientation).toBe(6);
    const derivative = await makeDerivative(rotated, {
      width: 100,
      height: 200,
      maxBytes: 50_000,
      format: 'png',
    });
    const reference = await sharp(rotated).rotate().resize(100, 200).raw().toBuffer();
    const { data, info } = await sharp(derivative.data).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 100, height: 200 });
    const pixel = (buffer: Buffer, x: number, y: number, channels: number) => [
      ...buffer.subarray((y * 100 + x) * channels, (y * 100 + x) * channels + 3),
    ];
    for (const [x, y] of [
      [50, 10],
      [50, 190],
    ] as const) {
      const got = pixel(data, x, y, info.channels);
      const want = pixel(reference, x, y, 3);
      got.forEach((value, i) => expect(Math.abs(value - want[i]!)).toBeLessThan(24));
    }
    // And the two ends really differ (a derivative of the unrotated pixels would be red at both).
    expect(pixel(data, 50, 10, info.channels)[0]).toBeGreaterThan(200);
    expect(pixel(data, 50, 190, info.channels)[2]).toBeGreaterThan(200);
  });

  describe('where the crop falls', () => {
    /**
     * A 2000×800 banner: its subject, a dark grey disc (a logo), in the middle on light grey, and a
     * block of saturated brand colour along the right edge: what a saliency measure is drawn to.
     */
    let banner: string;
    beforeAll(async () => {
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="800">' +
        '<rect width="2000" height="800" fill="#d0d0d0"/><rect x="1800" width="200" height="800" fill="#ff00ff"/>' +
        '<circle cx="1000" cy="400" r="300" fill="#303030"/></svg>';
      banner = await write('banner.png', sharp(Buffer.from(svg)).png());
    });

    /** The subject's dark grey pixels in a derivative: how many, and where their centre is. */
    async function subjectIn(data: Buffer): Promise<{ pixels: number; centreX: number; centreY: number }> {
      const { data: rgb, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
      let pixels = 0;
      let sumX = 0;
      let sumY = 0;
      for (let i = 0; i < info.width * info.height; i++) {
        const [r, g, b] = [rgb[i * info.channels]!, rgb[i * info.channels + 1]!, rgb[i * info.channels + 2]!];
        if (Math.max(r, g, b) < 90 && Math.max(r, g, b) - Math.min(r, g, b) < 16) {
          pixels++;
          sumX += i % info.width;
          sumY += Math.floor(i / info.width);
        }
      }
      return { pixels, centreX: sumX / pixels, centreY: sumY / pixels };
    }

    /** Scaled to 360×144 for the icon, the disc has a radius of 54 px. */
    const discPixels = Math.PI * 54 ** 2;

    it('centres the crop by default: the small icon of a 2000×800 banner keeps its subject whole', async () => {
      const icon = await makeDerivative(banner, { ...smallIcon, format: 'png' });
      const seen = await subjectIn(icon.data);
      expect(seen.pixels).toBeGreaterThan(0.9 * discPixels);
      expect(Math.abs(seen.centreX - 72)).toBeLessThan(2);
      // The big picture loses 25 px of height: shared above and below, the disc stays in the middle.
      const big = await subjectIn((await makeDerivative(banner, { ...bigPicture, format: 'png' })).data);
      expect(Math.abs(big.centreX - 492)).toBeLessThan(2);
      expect(Math.abs(big.centreY - 184.5)).toBeLessThan(2);
    });

    it('moves the crop toward what draws the eye with position "attention", here cutting the subject', async () => {
      const attention = await makeDerivative(banner, { ...smallIcon, format: 'png', position: 'attention' });
      expect((await subjectIn(attention.data)).pixels).toBeLessThan(0.5 * discPixels);
      // Where libvips put the window, as a share of the free width (0 the left edge, 1 the right).
      const { info } = await sharp(banner)
        .resize(144, 144, { fit: 'cover', position: 'attention' })
        .toBuffer({ resolveWithObject: true });
      const offset = -(info.cropOffsetLeft ?? 0) / (360 - 144);
      console.log(`attention crop of the banner's icon: offset ${offset.toFixed(2)} of the free width`);
      expect(offset).toBeGreaterThan(0.5);
    });
  });

  it('says image-budget-unmet with the budget and the smallest size reached', async () => {
    const noisy = await write('hopeless.png', noise(144, 144));
    const spec: DerivativeSpec = { ...smallIcon, maxBytes: 500, format: 'jpeg' };
    const error = await failure(makeDerivative(noisy, spec));
    expect(error.view.code).toBe('image-budget-unmet');
    expect(error.retryable).toBe(false);
    expect(error.view.message).toContain('500 bytes');
    const smallest = Number(
      /smallest reached was (?:[\d.]+ [KM]B \()?(\d+) bytes/.exec(error.view.message)?.[1],
    );
    // The smallest is what quality 30 gives, and it is really over the budget.
    expect(smallest).toBe((await jpegOfCrop(noisy, 144, 144, 30)).length);
    expect(smallest).toBeGreaterThan(500);

    const pngError = await failure(makeDerivative(noisy, { ...spec, format: 'png' }));
    expect(pngError.view.code).toBe('image-budget-unmet');
    expect(pngError.view.message).toMatch(/2-colour palette/);
  });

  describe('bad sources get their own reason', () => {
    it('a 0-byte file', async () => {
      const path = join(dir, 'empty.jpg');
      writeFileSync(path, Buffer.alloc(0));
      const error = await failure(makeDerivative(path, { ...smallIcon, format: 'jpeg' }));
      expect(error.view).toMatchObject({ code: 'image-invalid' });
      expect(error.view.message).toContain('0 bytes');
    });

    it('a truncated JPEG', async () => {
      const whole = await noise(800, 600).jpeg().toBuffer();
      const path = join(dir, 'truncated.jpg');
      writeFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));
      const error = await failure(makeDerivative(path, { ...smallIcon, format: 'jpeg' }));
      expect(error.view.code).toBe('image-invalid');
      expect(error.view.message).toMatch(/truncated or corrupt/);
    });

    it('a PNG named .jpg', async () => {
      const path = await write('disguised.png', noise(200, 200));
      const renamed = join(dir, 'disguised.jpg');
      writeFileSync(renamed, await sharp(path).png().toBuffer());
      const error = await failure(makeDerivative(renamed, { ...smallIcon, format: 'jpeg' }));
      expect(error.view.code).toBe('image-invalid');
      expect(error.view.message).toContain('named .jpg but contains PNG');
    });

    it('bytes that are no image at all, named .png', async () => {
      const path = join(dir, 'garbage.png');
      writeFileSync(path, Buffer.from('this is not a picture, just text'.repeat(20)));
      const error = await failure(makeDerivative(path, { ...smallIcon, format: 'png' }));
      expect(error.view.code).toBe('image-invalid');
      expect(error.view.message).toContain('not a readable image');
    });

    it('a document that is not an image', async () => {
      const path = join(dir, 'notes.txt');
      writeFileSync(path, 'meeting notes\n'.repeat(100));
      const error = await failure(makeDerivative(path, { ...smallIcon, format: 'jpeg' }));
      expect(error.view.code).toBe('file-type-unsupported');
    });

    it('a decompression bomb: a PNG of more pixels than Ferry decodes', async () => {
      // 16,500² = 272 megapixels of one colour: under a megabyte on disk, ~800 MB once decoded.
      const path = await write(
        'bomb.png',
        sharp({
          create: { width: 16_500, height: 16_500, channels: 3, background: '#000' },
          limitInputPixels: false,
        }).png({ compressionLevel: 1 }),
      );
      const started = Date.now();
      const error = await failure(makeDerivative(path, { ...bigPicture, format: 'jpeg' }));
      expect(error.view.code).toBe('image-invalid');
      expect(error.view.message).toMatch(
        /16500×16500 pixels \(272 megapixels\), more than the 268 megapixels/,
      );
      expect(Date.now() - started).toBeLessThan(1000); // refused from the header, nothing decoded

      // A lower limit applies the same way, to ordinary images.
      const modest = await write('modest.png', noise(1200, 1000));
      const lowered = await failure(
        makeDerivative(modest, { ...smallIcon, format: 'png' }, { maxInputPixels: 1_000_000 }),
      );
      expect(lowered.view.code).toBe('image-invalid');
    });
  });

  it('stops between encodings when the signal aborts', async () => {
    const noisy = await write('abort.png', noise(400, 400));
    const controller = new AbortController();
    let encodings = 0;
    const run = makeDerivative(
      noisy,
      { ...smallIcon, maxBytes: 3000, format: 'jpeg' },
      {
        signal: controller.signal,
        onEncoded: () => {
          if (++encodings === 2) controller.abort();
        },
      },
    );
    await expect(run).rejects.toThrow(/abort/i);
    expect(encodings).toBe(2);
  });
});
