// "Process 20 × 12 MP to WebP, max 1920": Ferry's processing step against the same sharp pipeline run
// bare, each in a child process of its own (so each peak RSS is that contender's alone), in one run.
// Ratio, not wall-clock: it shows what the wrapping costs (sniffing, the metadata read, the decisions,
// the temporary file and rename) and that the one-image-at-a-time queue does not slow a batch.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { SharpBuild } from '../../main/thumbnails/sharp-loader.ts';
import { tempDir } from '../support/temp.ts';
import type { ProcessingChildResult } from './processing-child.ts';

const run = promisify(execFile);
const generator = resolve(import.meta.dirname, 'photo-like-jpegs.ts');
const child = resolve(import.meta.dirname, 'processing-child.ts');

export interface ProcessingBenchResult {
  goal: string;
  /** Which libvips both contenders ran on: native, or the wasm32 build (the app's fallback where native cannot be deep-bound). */
  build: SharpBuild;
  images: number;
  /** Images per second: Ferry's processing step (main/processing/image-processor.ts). */
  ferryPerSecond: number;
  /** Images per second: sharp(path).autoOrient().resize(1920, 1920, inside).keepIccProfile().webp(). */
  bareSharpPerSecond: number;
  /** ferryPerSecond / bareSharpPerSecond: 1 means the wrapping costs nothing. */
  ratio: number;
  /** Peak resident memory of the process that ran each contender (Node and libvips included). */
  ferryPeakRssMiB: number;
  bareSharpPeakRssMiB: number;
  meanSourceMiB: number;
  meanOutputKiB: number;
  /** Both made the same images: dimensions and byte counts, image by image. */
  sameOutput: boolean;
  met: boolean;
}

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

async function contender(
  mode: 'ferry' | 'bare',
  sources: string,
  images: number,
  out: string,
  build: SharpBuild,
) {
  const { stdout } = await run(process.execPath, [child, mode, sources, String(images), out, build], {
    maxBuffer: 16 * 1024 * 1024,
  });
  await rm(out, { recursive: true, force: true });
  return JSON.parse(stdout) as ProcessingChildResult;
}

export async function benchProcessing(
  options: { images?: number; rounds?: number; build?: SharpBuild } = {},
): Promise<ProcessingBenchResult> {
  const images = options.images ?? 20;
  const build = options.build ?? 'native';
  // Each contender goes first in half the rounds; the best round of each counts.
  const rounds = options.rounds ?? 4;
  const dir = tempDir('ferry-bench-processing-');
  try {
    const sources = join(dir, 'sources');
    await mkdir(sources);
    await run(process.execPath, [generator, sources, String(images), '4000', '3000']);
    const best = { ferry: Infinity, bare: Infinity };
    const peak = { ferry: 0, bare: 0 };
    let last: Record<'ferry' | 'bare', ProcessingChildResult | undefined> = {
      ferry: undefined,
      bare: undefined,
    };
    for (let round = 0; round < rounds; round++) {
      // Alternate who goes first: neither gets a systematically warmer page cache.
      const order = round % 2 === 0 ? (['ferry', 'bare'] as const) : (['bare', 'ferry'] as const);
      for (const mode of order) {
        const result = await contender(mode, sources, images, join(dir, `out-${mode}-${round}`), build);
        best[mode] = Math.min(best[mode], result.ms);
        peak[mode] = Math.max(peak[mode], result.peakRssMiB);
        last = { ...last, [mode]: result };
      }
    }
    const names = await readdir(sources);
    const sourceBytes = (await Promise.all(names.map((name) => stat(join(sources, name))))).reduce(
      (total, info) => total + info.size,
      0,
    );
    const ferryPerSecond = images / (best.ferry / 1000);
    const bareSharpPerSecond = images / (best.bare / 1000);
    const ratio = ferryPerSecond / bareSharpPerSecond;
    const made = (result: ProcessingChildResult | undefined) => JSON.stringify(result?.outputs);
    return {
      goal: 'ratio ≥ 0.9 against the same sharp pipeline run bare; peak RSS reported',
      build,
      images,
      ferryPerSecond: round(ferryPerSecond, 2),
      bareSharpPerSecond: round(bareSharpPerSecond, 2),
      ratio: round(ratio),
      ferryPeakRssMiB: round(peak.ferry, 1),
      bareSharpPeakRssMiB: round(peak.bare, 1),
      meanSourceMiB: round(sourceBytes / images / 1024 / 1024, 2),
      meanOutputKiB: round((last.ferry?.outputBytes ?? 0) / images / 1024, 1),
      sameOutput: made(last.ferry) === made(last.bare),
      met: ratio >= 0.9,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
