// Ferry's thumbnailer against the bare sharp pipeline it wraps, on camera-sized JPEGs, in one run.
// Ratio, not wall-clock: what it shows is that the wrapping (format sniffing, the pixel-limit header
// read, the queue, the atomic cache write) costs little and does not defeat shrink-on-load.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadSharp, type SharpBuild } from '../../main/thumbnails/sharp-loader.ts';
import { createThumbnailer } from '../../main/thumbnails/thumbnailer.ts';
import { eventLoopDelayMonitor, latenessMs } from '../support/process-probe.ts';
import { tempDir } from '../support/temp.ts';
import { photoLikeJpegPath } from './photo-like-jpegs.ts';

const generator = resolve(import.meta.dirname, 'photo-like-jpegs.ts');

export interface ThumbnailBenchResult {
  /** Which libvips: the native binary, or the WebAssembly build (the app's fallback where native cannot be deep-bound). */
  build: SharpBuild;
  images: number;
  /** Thumbnails per second, Ferry's thumbnailer (cache misses only). */
  ferryPerSecond: number;
  /** Thumbnails per second, `sharp(path).rotate().resize(256, 256, { fit: 'inside' }).webp().toBuffer()`. */
  bareSharpPerSecond: number;
  /** ferryPerSecond / bareSharpPerSecond: 1 means the wrapping costs nothing. */
  ratio: number;
  /**
   * CPU time of the process (every thread) for all images, best of the rounds per image, and
   * bareSharpCpuMs / ferryCpuMs: a comparison a busy machine does not blur the way it blurs wall time.
   */
  ferryCpuMs: number;
  bareSharpCpuMs: number;
  cpuRatio: number;
  /** Peak resident memory of this process while thumbnails were being made. */
  peakRssMiB: number;
  /** Mean size of a source JPEG: a phone photo of 12 MP is a few MiB. */
  meanSourceMiB: number;
  /** How late the event loop ran while Ferry's thumbnailer made them all, queued at once (p99, worst; ms). */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /**
   * CPU time of that all-at-once run (ms): the main thread's own (what can delay the event loop) and
   * the whole process's (libvips' threads included). The wall time beside them says how much of the
   * delay can only be waiting for a core.
   */
  queuedAtOnce: { wallMs: number; mainThreadCpuMs: number; processCpuMs: number };
}

export interface ThumbnailBenchOptions {
  /** Default: native. */
  build?: SharpBuild;
  images?: number;
  width?: number;
  height?: number;
}

const MiB = 1024 * 1024;
const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

async function timed(run: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await run();
  const cpu = process.cpuUsage(cpuBefore);
  return { ms: performance.now() - start, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** 20 JPEGs of 12 MP (4000×3000): Ferry's thumbnailer and bare sharp, interleaved image by image. */
export async function benchThumbnails(options: ThumbnailBenchOptions = {}): Promise<ThumbnailBenchResult> {
  const images = options.images ?? 20;
  const width = options.width ?? 4000;
  const height = options.height ?? 3000;
  const build = options.build ?? 'native';
  const loaded = await loadSharp({ prefer: build });
  if (loaded.build !== build)
    throw new Error(`sharp's ${build} build is not loadable: ${loaded.fallbackReason}`);
  const { sharp } = loaded;
  const dir = tempDir('ferry-bench-thumbs-');
  await promisify(execFile)(process.execPath, [
    generator,
    dir,
    String(images),
    String(width),
    String(height),
  ]);
  const sources: { path: string; sha256: string; bytes: number }[] = [];
  for (let index = 0; index < images; index++) {
    const path = photoLikeJpegPath(dir, index);
    const data = await readFile(path);
    sources.push({ path, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length });
  }

  // libvips' operation cache would let the second contender reuse the first one's decode of the same
  // file; off for the measurement, restored after.
  const cacheBefore = sharp.cache();
  sharp.cache(false);
  const never = () => sources.map(() => Infinity);
  const best = { ferryMs: never(), bareMs: never(), ferryCpuMs: never(), bareCpuMs: never() };
  let peakRssBytes: number;
  const queuedAtOnce = { wallMs: 0, mainThreadCpuMs: 0, processCpuMs: 0 };
  const rss = sampleRss();
  const delay = eventLoopDelayMonitor();
  try {
    // Three rounds, best of three per image and contender: a background hiccup then costs one sample,
    // not the comparison. Each round has its own cache directory, so Ferry never gets a cache hit.
    for (let round = 0; round < 3; round++) {
      const thumbnailer = createThumbnailer({ cacheDir: join(dir, `thumbnails-${round}`), sharp });
      for (const [index, source] of sources.entries()) {
        const ferry = () =>
          timed(async () => {
            const result = await thumbnailer.thumbnailFor(source.path, { sha256: source.sha256 });
            if ('error' in result) throw new Error(`Ferry's thumbnail failed: ${result.error.message}`);
            if (result.cached) throw new Error('a cache hit would not measure anything');
          });
        const bare = () =>
          timed(() => sharp(source.path).rotate().resize(256, 256, { fit: 'inside' }).webp().toBuffer());
        // Alternate who goes first: the second reader of a file never gets a systematic advantage.
        const ferryFirst = (index + round) % 2 === 0;
        const first = await (ferryFirst ? ferry() : bare());
        const second = await (ferryFirst ? bare() : ferry());
        const [ferryRun, bareRun] = ferryFirst ? [first, second] : [second, first];
        best.ferryMs[index] = Math.min(best.ferryMs[index] ?? Infinity, ferryRun.ms);
        best.bareMs[index] = Math.min(best.bareMs[index] ?? Infinity, bareRun.ms);
        best.ferryCpuMs[index] = Math.min(best.ferryCpuMs[index] ?? Infinity, ferryRun.cpuMs);
        best.bareCpuMs[index] = Math.min(best.bareCpuMs[index] ?? Infinity, bareRun.cpuMs);
      }
    }
    // The app's case for the event loop: Ferry's thumbnailer alone, every image queued at once.
    const thumbnailer = createThumbnailer({ cacheDir: join(dir, 'thumbnails-delay'), sharp });
    const cpuMs = (usage: NodeJS.CpuUsage) => round((usage.user + usage.system) / 1000, 1);
    const threadBefore = process.threadCpuUsage();
    const processBefore = process.cpuUsage();
    const start = performance.now();
    delay.enable();
    await Promise.all(
      sources.map((source) => thumbnailer.thumbnailFor(source.path, { sha256: source.sha256 })),
    );
    delay.disable();
    Object.assign(queuedAtOnce, {
      wallMs: round(performance.now() - start, 1),
      mainThreadCpuMs: cpuMs(process.threadCpuUsage(threadBefore)),
      processCpuMs: cpuMs(process.cpuUsage(processBefore)),
    });
  } finally {
    peakRssBytes = rss.stop();
    sharp.cache({
      memory: cacheBefore.memory.max,
      files: cacheBefore.files.max,
      items: cacheBefore.items.max,
    });
    await rm(dir, { recursive: true, force: true });
  }
  const sum = (list: number[]) => list.reduce((total, value) => total + value, 0);
  const ferryMs = sum(best.ferryMs);
  const bareMs = sum(best.bareMs);
  const ferryPerSecond = images / (ferryMs / 1000);
  const bareSharpPerSecond = images / (bareMs / 1000);
  return {
    build,
    images,
    ferryPerSecond: round(ferryPerSecond, 2),
    bareSharpPerSecond: round(bareSharpPerSecond, 2),
    ratio: round(ferryPerSecond / bareSharpPerSecond),
    ferryCpuMs: round(sum(best.ferryCpuMs), 1),
    bareSharpCpuMs: round(sum(best.bareCpuMs), 1),
    cpuRatio: round(sum(best.bareCpuMs) / sum(best.ferryCpuMs)),
    peakRssMiB: round(peakRssBytes / MiB, 1),
    meanSourceMiB: round(sum(sources.map((source) => source.bytes)) / images / MiB, 2),
    eventLoopDelayP99Ms: latenessMs(delay.percentile(99)),
    eventLoopDelayMaxMs: latenessMs(delay.max),
    queuedAtOnce,
  };
}
