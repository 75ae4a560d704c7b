// One contender of the processing benchmark in a process of its own, so its peak memory is its own:
//   node test/bench/processing-child.ts ferry|bare <sourceDir> <count> <outDir> [native|wasm]
// Processes photo-<i>.jpg one after another to WebP fitting 1920×1920 and prints one JSON line.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { processImage } from '../../main/processing/image-processor.ts';
import { loadSharp } from '../../main/thumbnails/sharp-loader.ts';
import { defaultProcessingSettings } from '../../shared/processing.ts';
import { peakRssBytes } from '../support/peak-rss.ts';
import { photoLikeJpegPath } from './photo-like-jpegs.ts';

export interface ProcessingChildResult {
  ms: number;
  peakRssMiB: number;
  outputBytes: number;
  outputs: Array<{ width: number; height: number; bytes: number }>;
}

export const maxSide = 1920;
export const quality = 85;

const [mode, sourceDir, count, outDir, build = 'native'] = process.argv.slice(2);
if (
  (mode !== 'ferry' && mode !== 'bare') ||
  (build !== 'native' && build !== 'wasm') ||
  !sourceDir ||
  !count ||
  !outDir
)
  throw new Error('usage: node processing-child.ts ferry|bare <sourceDir> <count> <outDir> [native|wasm]');
// Both contenders on the same build; wasm is what the app runs inside Electron on a Linux without deep binding (musl).
const loaded = await loadSharp({ prefer: build });
if (loaded.build !== build)
  throw new Error(`sharp's ${build} build is not loadable: ${loaded.fallbackReason}`);
const { sharp } = loaded;
// The app's processing tunes libvips' cache (processingSharp); the same for both contenders.
sharp.cache({ memory: 32, files: 0, items: 20 });
await mkdir(outDir, { recursive: true });
const settings = {
  ...defaultProcessingSettings,
  format: 'webp' as const,
  quality,
  maxWidth: maxSide,
  maxHeight: maxSide,
};
const outputs: ProcessingChildResult['outputs'] = [];
const start = performance.now();
for (let index = 0; index < Number(count); index++) {
  const source = photoLikeJpegPath(sourceDir, index);
  const out = join(outDir, `${mode}-${index}.webp`);
  if (mode === 'ferry') {
    // What the engine's step before the provider runs for each task: sniffing, the metadata read and
    // pixel-limit check, the decision what to change, the encode to a temporary file, the rename.
    const outcome = await processImage(source, out, settings, { sharp });
    if (outcome.kind !== 'processed') throw new Error(`${source} was not processed: ${outcome.notice}`);
    outputs.push({ width: outcome.width!, height: outcome.height!, bytes: outcome.size });
  } else {
    const info = await sharp(source)
      .autoOrient()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .keepIccProfile()
      .webp({ quality })
      .toFile(out);
    outputs.push({ width: info.width, height: info.height, bytes: info.size });
  }
}
const ms = performance.now() - start;
const result: ProcessingChildResult = {
  ms,
  // Its own high-water mark: resourceUsage's maxRSS would be the parent's (see peak-rss.ts).
  peakRssMiB: peakRssBytes() / (1024 * 1024),
  outputBytes: outputs.reduce((total, output) => total + output.bytes, 0),
  outputs,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
