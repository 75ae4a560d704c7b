import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import sharp, { type Sharp as SharpPipeline } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  availableSharpBuilds,
  loadSharp,
  preferredSharpBuild,
  requestedSharpBuild,
  sharpBuildVariable,
  wasmSharpInstalled,
  wasmSharpPackage,
  type Sharp,
  type SharpBuild,
} from '../../../main/thumbnails/sharp-loader.ts';
import { sniffBytesOf } from '../../../main/thumbnails/sniff-image.ts';
import { createTaskQueue } from '../../../main/thumbnails/task-queue.ts';
import {
  canDecodeHeic,
  createThumbnailer,
  type Thumbnail,
  type ThumbnailResult,
} from '../../../main/thumbnails/thumbnailer.ts';
import { sha256, tempDir } from '../../support/temp.ts';
import { pngClaiming } from '../../support/png-claiming.ts';

// Run every thumbnail test on each sharp build this checkout can load: native always, wasm
// (@img/sharp-wasm32, the Linux Electron build) when installed. Said loudly, so a run that silently
// skipped wasm cannot pass for one that tested it.
const builds = await availableSharpBuilds();
const buildLoads = await Promise.all(builds.map((build) => loadSharp({ prefer: build })));
console.log(
  `[thumbnailer] sharp builds under test: ${buildLoads.map((l) => `${l.build} (libvips ${l.sharp.versions.vips})`).join(', ')}` +
    (builds.includes('wasm') ? '' : ` — wasm NOT tested: ${wasmSharpPackage} is not installed`),
);

/** Electron on a Linux whose C library has no RTLD_DEEPBIND (musl): the one place native is not loaded. */
const muslElectron = { platform: 'linux', electron: '45.4.1', deepBind: false } as const;

const loaderPath = resolve(import.meta.dirname, '../../../main/thumbnails/sharp-loader.ts');

let fixtures: string;
beforeAll(() => {
  fixtures = tempDir('ferry-thumb-src-');
});

function isThumbnail(result: ThumbnailResult): asserts result is Thumbnail {
  if ('error' in result)
    expect.fail(`expected a thumbnail, got ${result.error.code}: ${result.error.message}`);
}

function errorOf(result: ThumbnailResult) {
  if (!('error' in result))
    return expect.fail(`expected an error, got a ${result.width}×${result.height} thumbnail`);
  return result.error;
}

async function write(
  name: string,
  image: SharpPipeline | Buffer | string,
): Promise<{ path: string; sha256: string }> {
  const path = join(fixtures, name);
  if (typeof image === 'string' || Buffer.isBuffer(image)) writeFileSync(path, image);
  else await image.toFile(path);
  return { path, sha256: sha256(readFileSync(path)) };
}

function solid(width: number, height: number, colour: string, channels: 3 | 4 = 3): SharpPipeline {
  return sharp({ create: { width, height, channels, background: colour } });
}

/** Red top-left quadrant on blue, so where that corner ends up shows the orientation applied. */
function markedCorner(width: number, height: number): SharpPipeline {
  const mark = { width: width / 2, height: height / 2, channels: 3 as const, background: '#ff0000' };
  return solid(width, height, '#0000ff').composite([{ input: { create: mark }, left: 0, top: 0 }]);
}

/** What a consumer sees: the thumbnail decoded by sharp itself. */
async function decodedThumbnail(path: string) {
  const metadata = await sharp(path).metadata();
  return { format: metadata.format, width: metadata.width, height: metadata.height };
}

async function rgbAt(path: string, x: number, y: number): Promise<[number, number, number]> {
  const data = await sharp(path)
    .extract({ left: x, top: y, width: 1, height: 1 })
    .removeAlpha()
    .raw()
    .toBuffer();
  return [data[0] ?? -1, data[1] ?? -1, data[2] ?? -1];
}

const isRed = ([r, g, b]: number[]) => (r ?? 0) > 200 && (g ?? 255) < 60 && (b ?? 255) < 60;

describe('sharp loader', () => {
  it('prefers the wasm build exactly where native sharp is a hazard: Electron on Linux without deep binding', () => {
    expect(preferredSharpBuild({ platform: 'linux', electron: '45.4.1', deepBind: false })).toBe('wasm');
    // glibc: the native build is loaded deep-bound (sharp-deep-bind.test.ts shows it cannot clash).
    expect(preferredSharpBuild({ platform: 'linux', electron: '45.4.1', deepBind: true })).toBe('native');
    expect(preferredSharpBuild({ platform: 'linux' })).toBe('native');
    expect(preferredSharpBuild({ platform: 'darwin', electron: '45.4.1' })).toBe('native');
    expect(preferredSharpBuild({ platform: 'win32', electron: '45.4.1' })).toBe('native');
  });

  it('takes the build the user asked for with FERRY_SHARP_BUILD over its own choice', () => {
    expect(requestedSharpBuild('wasm')).toBe('wasm');
    expect(requestedSharpBuild(' Native ')).toBe('native');
    for (const ignored of [undefined, '', 'wasm32', 'auto'])
      expect(requestedSharpBuild(ignored)).toBeUndefined();
    const deepBound = { platform: 'linux', electron: '45.4.1', deepBind: true } as const;
    expect(preferredSharpBuild({ ...deepBound, requested: 'wasm' })).toBe('wasm');
    expect(preferredSharpBuild({ ...deepBound, deepBind: false, requested: 'native' })).toBe('native');
  });

  it.runIf(wasmSharpInstalled())(
    'a process started with FERRY_SHARP_BUILD=wasm loads the wasm build where it would load native',
    async () => {
      const script = `
        import { loadSharp } from ${JSON.stringify(pathToFileURL(loaderPath).href)};
        const { sharp, build } = await loadSharp();
        console.log(JSON.stringify({ build, emscripten: 'emscripten' in sharp.versions }));
      `;
      const run = (value: string) =>
        promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
          env: { ...process.env, [sharpBuildVariable]: value },
        }).then(({ stdout }) => JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>);
      expect(await run('wasm')).toEqual({ build: 'wasm', emscripten: true });
      expect(await run('')).toEqual({ build: 'native', emscripten: false });
    },
  );

  it.runIf(!wasmSharpInstalled())(
    'never falls back to native inside Electron on a Linux without deep binding (wasm missing)',
    async () => {
      await expect(loadSharp({ runtime: muslElectron })).rejects.toThrow(wasmSharpPackage);
      const outsideElectron = await loadSharp({ prefer: 'wasm', runtime: { platform: 'linux' } });
      expect(outsideElectron.build).toBe('native');
      expect(outsideElectron.fallbackReason).toContain('wasm');
    },
  );

  it.runIf(wasmSharpInstalled())('loads the wasm build beside native, each a separate instance', async () => {
    const wasm = await loadSharp({ runtime: muslElectron });
    const native = await loadSharp({ prefer: 'native' });
    expect(wasm.build).toBe('wasm');
    expect(wasm.sharp.versions).toHaveProperty('emscripten');
    expect(native.sharp.versions).not.toHaveProperty('emscripten');
    expect(native.sharp).not.toBe(wasm.sharp);
  });

  it.runIf(process.platform === 'linux')(
    'as Electron on a Linux without deep binding, the native libvips is never mapped into the process',
    async () => {
      // A fresh process, since this one has native sharp loaded already. /proc/self/maps lists every
      // shared library mapped: the native build would show libvips-cpp and sharp-linux-*.node there.
      const script = `
        import { readFileSync } from 'node:fs';
        import { loadSharp } from ${JSON.stringify(pathToFileURL(loaderPath).href)};
        const out = {};
        try {
          const { sharp, build } = await loadSharp({ runtime: ${JSON.stringify(muslElectron)} });
          const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#f00' } }).png().toBuffer();
          const thumb = await sharp(png).rotate().resize(32, 32, { fit: 'inside' }).webp().toBuffer({ resolveWithObject: true });
          Object.assign(out, { build, width: thumb.info.width });
        } catch (error) {
          out.error = error.message;
        }
        out.nativeMapped = /libvips|sharp-linux/.test(readFileSync('/proc/self/maps', 'utf8'));
        console.log(JSON.stringify(out));
      `;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
      const out = JSON.parse(stdout) as {
        build?: string;
        width?: number;
        error?: string;
        nativeMapped: boolean;
      };
      expect(out.nativeMapped).toBe(false);
      if (wasmSharpInstalled()) expect(out).toMatchObject({ build: 'wasm', width: 32 });
      else expect(out.error).toContain(wasmSharpPackage);
    },
  );

  it('recognises formats by content, not by name', () => {
    const ascii = (text: string) => Buffer.from(text, 'latin1');
    expect(sniffBytesOf(ascii('\x00\x00\x00\x1cftypavif\x00\x00\x00\x00mif1avif'))).toEqual({
      kind: 'image',
      format: 'avif',
    });
    expect(sniffBytesOf(ascii('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic'))).toMatchObject({
      format: 'heic',
    });
    expect(sniffBytesOf(ascii('\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2'))).toEqual({
      kind: 'unknown',
    });
    expect(sniffBytesOf(ascii('<?xml version="1.0"?>\n<!-- hi -->\n<svg xmlns="x"/>'))).toMatchObject({
      format: 'svg',
    });
    expect(sniffBytesOf(ascii('<!DOCTYPE html><html><body><svg></svg></body></html>'))).toEqual({
      kind: 'unknown',
    });
    // A BOM, then white space (ASCII, and a no-break space in UTF-8) before the root element.
    expect(sniffBytesOf(Buffer.from('\uFEFF \r\n\t<svg xmlns="x"/>', 'utf8'))).toMatchObject({
      format: 'svg',
    });
    expect(sniffBytesOf(Buffer.from('\u00A0<svg xmlns="x"/>', 'utf8'))).toMatchObject({ format: 'svg' });
    for (const space of ['\u1680', '\u2003', '\u205F', '\u3000', '\uFEFF\uFEFF'])
      expect(sniffBytesOf(Buffer.from(`${space}<svg xmlns="x"/>`, 'utf8'))).toMatchObject({ format: 'svg' });
    expect(sniffBytesOf(Buffer.from('\u00C3<svg xmlns="x"/>', 'utf8'))).toEqual({ kind: 'unknown' });
    expect(sniffBytesOf(Buffer.from([0x80, ...Buffer.from('<svg xmlns="x"/>')]))).toEqual({
      kind: 'unknown',
    });
    expect(sniffBytesOf(ascii('  x<svg xmlns="x"/>'))).toEqual({ kind: 'unknown' });
    expect(sniffBytesOf(ascii('BM\x00\x00'))).toEqual({ kind: 'unsupported-image', name: 'BMP' });
  });

  it('queues tasks: never more than `concurrency` at once, all of them run, failures free their slot', async () => {
    const queue = createTaskQueue(2);
    let running = 0;
    let peak = 0;
    const task = (index: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 2));
      running--;
      if (index % 3 === 0) throw new Error(`task ${index}`);
      return index;
    };
    const results = await Promise.allSettled(Array.from({ length: 9 }, (_, index) => queue.run(task(index))));
    expect(peak).toBe(2);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(6);
    await queue.idle();
    expect(queue.running + queue.waiting).toBe(0);
  });
});

describe.each(buildLoads.map((loaded) => [loaded.build, loaded.sharp] as [SharpBuild, Sharp]))(
  'thumbnailer on sharp %s',
  (build, buildSharp) => {
    let cacheDir: string;
    const thumbnailer = () => createThumbnailer({ cacheDir, sharp: buildSharp });
    let shared: ReturnType<typeof createThumbnailer>;

    beforeAll(() => {
      cacheDir = tempDir(`ferry-thumb-cache-${build}-`);
      shared = thumbnailer();
    });

    afterAll(() => {
      // Atomic writes leave nothing behind, whether the thumbnail succeeded or failed.
      const leftovers = readdirSync(cacheDir, { recursive: true }).filter((name) =>
        String(name).endsWith('.tmp'),
      );
      expect(leftovers).toEqual([]);
    });

    const formats: [string, () => SharpPipeline | string, [number, number]][] = [
      ['jpeg.jpg', () => markedCorner(600, 400).jpeg(), [256, 171]],
      ['png.png', () => solid(400, 600, '#33aa33', 4).png(), [171, 256]],
      ['webp.webp', () => solid(500, 250, '#3366cc').webp(), [256, 128]],
      ['avif.avif', () => solid(320, 240, '#cc6633').avif({ effort: 0 }), [256, 192]],
      ['tiff.tif', () => solid(640, 480, '#999999').tiff(), [256, 192]],
      [
        'svg.svg',
        () =>
          '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="256"><rect width="512" height="256" fill="red"/></svg>',
        [256, 128],
      ],
    ];
    it.each(formats)('%s → a WebP, long side 256, aspect kept', async (name, make, [width, height]) => {
      const source = await write(`${build}-${name}`, make());
      const result = await shared.thumbnailFor(source.path, { sha256: source.sha256 });
      isThumbnail(result);
      expect(result).toMatchObject({ width, height, cached: false });
      expect(result.path).toBe(shared.pathForHash(source.sha256));
      expect(result.warning).toBeUndefined();
      expect(await decodedThumbnail(result.path)).toEqual({ format: 'webp', width, height });
      // The cache hit reads the size from the WebP header (VP8, or VP8X when there is alpha).
      expect(await shared.thumbnailFor(source.path, { sha256: source.sha256 })).toEqual({
        ...result,
        cached: true,
      });
    });

    it('GIF: the first frame of an animation', async () => {
      const frames = [solid(300, 150, '#ff0000'), solid(300, 150, '#00ff00')];
      const buffers = await Promise.all(frames.map((frame) => frame.png().toBuffer()));
      const source = await write(`${build}-anim.gif`, sharp(buffers, { join: { animated: true } }).gif());
      expect((await sharp(source.path).metadata()).pages).toBe(2);
      const result = await shared.thumbnailFor(source.path, { sha256: source.sha256 });
      isThumbnail(result);
      expect(await decodedThumbnail(result.path)).toEqual({ format: 'webp', width: 256, height: 128 });
      expect(isRed(await rgbAt(result.path, 128, 64))).toBe(true);
    });

    // Where the stored top-left corner is displayed for each EXIF orientation (TIFF/EXIF 2.3 §4.6.4).
    const orientations: [number, 'top-left' | 'top-right' | 'bottom-right' | 'bottom-left'][] = [
      [1, 'top-left'],
      [2, 'top-right'],
      [3, 'bottom-right'],
      [4, 'bottom-left'],
      [5, 'top-left'],
      [6, 'top-right'],
      [7, 'bottom-right'],
      [8, 'bottom-left'],
    ];
    it.each(orientations)(
      'EXIF orientation %i: applied (stored top-left ends %s)',
      async (orientation, corner) => {
        const source = await write(
          `${build}-orientation-${orientation}.jpg`,
          markedCorner(300, 200).jpeg().withMetadata({ orientation }),
        );
        const result = await shared.thumbnailFor(source.path, { sha256: source.sha256 });
        isThumbnail(result);
        const [width, height] = orientation >= 5 ? [171, 256] : [256, 171];
        expect(await decodedThumbnail(result.path)).toEqual({ format: 'webp', width, height });
        const x = corner.endsWith('left') ? 10 : width - 11;
        const y = corner.startsWith('top') ? 10 : height - 11;
        expect(isRed(await rgbAt(result.path, x, y))).toBe(true);
        expect(isRed(await rgbAt(result.path, width - 1 - x, height - 1 - y))).toBe(false);
      },
    );

    it('a tiny image is not enlarged', async () => {
      const source = await write(`${build}-tiny.png`, solid(40, 30, '#123456').png());
      const result = await shared.thumbnailFor(source.path, { sha256: source.sha256 });
      isThumbnail(result);
      expect(await decodedThumbnail(result.path)).toEqual({ format: 'webp', width: 40, height: 30 });
    });

    it('cache hit: same content hash → same file, no decode, no sharp needed', async () => {
      const own = thumbnailer();
      const source = await write(`${build}-cached.jpg`, markedCorner(800, 600).jpeg());
      const first = await own.thumbnailFor(source.path, { sha256: source.sha256 });
      isThumbnail(first);
      const mtime = statSync(first.path).mtimeMs;
      expect(own.stats().decodes).toBe(1);

      const second = await own.thumbnailFor(source.path, { sha256: source.sha256 });
      expect(second).toEqual({ ...first, cached: true });
      expect(own.stats()).toMatchObject({ decodes: 1, cacheHits: 1 });
      expect(statSync(first.path).mtimeMs).toBe(mtime);

      // A fresh thumbnailer whose sharp cannot even load still serves the cached thumbnail.
      const unloadable = createThumbnailer({
        cacheDir,
        loadSharp: () => Promise.reject(new Error('sharp must not be loaded for a cache hit')),
      });
      const copy = await write(`${build}-cached-copy.jpeg`, readFileSync(source.path));
      const third = await unloadable.thumbnailFor(copy.path, { sha256: source.sha256 });
      expect(third).toEqual({ ...first, cached: true });
      expect(unloadable.build()).toBeUndefined();
    });

    it('concurrent requests for the same content make one thumbnail', async () => {
      const own = thumbnailer();
      const source = await write(`${build}-twice.png`, solid(500, 500, '#abcdef').png());
      const results = await Promise.all(
        [1, 2, 3].map(() => own.thumbnailFor(source.path, { sha256: source.sha256 })),
      );
      for (const result of results) isThumbnail(result);
      expect(own.stats().decodes).toBe(1);
      expect(own.build()).toBe(build);
    });

    it('the same content under two names at once: one decode, each name gets its own warning', async () => {
      const own = thumbnailer();
      const png = await write(`${build}-same.png`, solid(320, 200, '#fedcba').png());
      const misnamed = await write(`${build}-same.jpg`, readFileSync(png.path));
      const [asPng, asJpg] = await Promise.all([
        own.thumbnailFor(png.path, { sha256: png.sha256 }),
        own.thumbnailFor(misnamed.path, { sha256: misnamed.sha256 }),
      ]);
      isThumbnail(asPng);
      isThumbnail(asJpg);
      expect(asPng.warning).toBeUndefined();
      expect(asJpg.warning?.code).toBe('image-invalid');
      expect(asJpg.path).toBe(asPng.path);
      expect(own.stats().decodes).toBe(1);
    });

    it('a PNG named .jpg: thumbnailed, and the mismatch is reported as image-invalid', async () => {
      const source = await write(`${build}-really-a-png.jpg`, solid(300, 300, '#ff8800').png());
      const result = await shared.thumbnailFor(source.path, { sha256: source.sha256 });
      isThumbnail(result);
      expect(result).toMatchObject({ width: 256, height: 256, sourceFormat: 'png' });
      expect(result.warning?.code).toBe('image-invalid');
      expect(result.warning?.message).toMatch(/named \.jpg but contains PNG/);
      // The same warning from the cache: it depends on the name, not on whether the WebP existed.
      expect(await shared.thumbnailFor(source.path, { sha256: source.sha256 })).toMatchObject({
        cached: true,
        warning: result.warning,
      });
    });

    it('a 0-byte file: image-invalid', async () => {
      const source = await write(`${build}-empty.jpg`, Buffer.alloc(0));
      const error = errorOf(await shared.thumbnailFor(source.path, { sha256: source.sha256 }));
      expect(error.code).toBe('image-invalid');
      expect(error.message).toMatch(/empty \(0 bytes\)/);
    });

    it('a truncated JPEG: image-invalid, nothing cached', async () => {
      const whole = await sharp({
        create: {
          width: 600,
          height: 400,
          channels: 3,
          background: '#000',
          noise: { type: 'gaussian', mean: 128, sigma: 50 },
        },
      })
        .jpeg()
        .toBuffer();
      const source = await write(`${build}-truncated.jpg`, whole.subarray(0, Math.floor(whole.length * 0.6)));
      const error = errorOf(await shared.thumbnailFor(source.path, { sha256: source.sha256 }));
      expect(error.code).toBe('image-invalid');
      expect(error.message).toMatch(/truncated or corrupt/);
      expect(() => statSync(shared.pathForHash(source.sha256))).toThrow();
    });

    it('a decompression bomb (a 10-gigapixel PNG header in 1 KB): image-invalid before any decode', async () => {
      const own = thumbnailer();
      const source = await write(`${build}-bomb.png`, pngClaiming(100_000, 100_000));
      expect(statSync(source.path).size).toBeLessThan(2048);
      const error = errorOf(await own.thumbnailFor(source.path, { sha256: source.sha256 }));
      expect(error.code).toBe('image-invalid');
      expect(error.message).toMatch(/100000×100000 pixels \(10000 MP\).*decompression bomb/);
      expect(own.stats().decodes).toBe(0);
    });

    it('the pixel limit is configurable', async () => {
      const own = createThumbnailer({ cacheDir, sharp: buildSharp, maxInputPixels: 100_000 });
      const source = await write(`${build}-over-limit.png`, solid(400, 300, '#010203').png());
      expect(errorOf(await own.thumbnailFor(source.path, { sha256: source.sha256 })).code).toBe(
        'image-invalid',
      );
    });

    it('non-images: file-type-unsupported; a non-image named like an image: image-invalid', async () => {
      const text = await write(`${build}-notes.txt`, 'just some text, not a picture\n');
      const textError = errorOf(await shared.thumbnailFor(text.path, { sha256: text.sha256 }));
      expect(textError.code).toBe('file-type-unsupported');
      expect(textError.message).toMatch(/not an image/);

      const fake = await write(`${build}-fake.jpg`, 'just some text, named .jpg\n');
      const fakeError = errorOf(await shared.thumbnailFor(fake.path, { sha256: fake.sha256 }));
      expect(fakeError.code).toBe('image-invalid');
      expect(fakeError.message).toMatch(/named \.jpg but its content is not an image/);

      const bmp = await write(`${build}-old.bmp`, Buffer.concat([Buffer.from('BM'), Buffer.alloc(64)]));
      const bmpError = errorOf(await shared.thumbnailFor(bmp.path, { sha256: bmp.sha256 }));
      expect(bmpError).toMatchObject({ code: 'file-type-unsupported' });
      expect(bmpError.message).toMatch(/BMP/);
    });

    it('HEIC: skipped with a clear reason when this build has no HEVC decoder', async () => {
      // The brands of an iPhone photo, then junk: sharp cannot encode HEVC here to make a real one.
      const header = Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic', 'latin1');
      const source = await write(`${build}-iphone.heic`, Buffer.concat([header, Buffer.alloc(256, 7)]));
      const error = errorOf(await shared.thumbnailFor(source.path, { sha256: source.sha256 }));
      if (canDecodeHeic(buildSharp)) {
        expect(error.code).toBe('image-invalid'); // a HEVC-capable build gets as far as the junk
      } else {
        expect(error.code).toBe('file-type-unsupported');
        expect(error.message).toMatch(/cannot decode HEIC.*HEVC/);
      }
    });

    it('never throws: a missing file, a folder, a malformed hash, a cancelled request', async () => {
      const hash = 'ab'.repeat(32);
      expect(errorOf(await shared.thumbnailFor(join(fixtures, 'gone.jpg'), { sha256: hash })).code).toBe(
        'file-not-found',
      );
      expect(errorOf(await shared.thumbnailFor(fixtures, { sha256: hash })).code).toBe('folder-unsupported');
      expect(errorOf(await shared.thumbnailFor(join(fixtures, 'x.jpg'), { sha256: 'nope' })).code).toBe(
        'invalid-request',
      );
      const source = await write(`${build}-cancelled.png`, solid(50, 50, '#000').png());
      const request = { sha256: source.sha256, signal: AbortSignal.abort() };
      expect(errorOf(await shared.thumbnailFor(source.path, request)).code).toBe('cancelled');
    });
  },
);

// Shown as skipped in the report, so the missing build is visible there too.
if (!builds.includes('wasm'))
  it.skip(`thumbnailer on sharp wasm: ${wasmSharpPackage} is not installed`, () => {});
