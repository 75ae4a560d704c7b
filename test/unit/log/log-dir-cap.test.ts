import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/log/logger.ts';
import { tempDir } from '../../support/temp.ts';

const maxFileBytes = 4096;
const maxFiles = 3;
/** One line may overshoot a file's cap (a line is never split); nothing else may. */
const lineBytes = 400;
const cap = maxFiles * (maxFileBytes + lineBytes);

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((total, file) => total + statSync(join(dir, file)).size, 0);
}

async function writeMuchMoreThanTheCap(dir: string, options: { yieldEvery: number | null }): Promise<void> {
  const logger = await createLogger({ file: { dir, maxFileBytes, maxFiles } });
  const filler = 'x'.repeat(300);
  // 20 × the cap in total.
  for (let i = 0; i < Math.ceil((20 * maxFiles * maxFileBytes) / 350); i++) {
    logger.info('line', { i, filler });
    if (options.yieldEvery !== null && i % options.yieldEvery === 0)
      await new Promise((resolve) => setImmediate(resolve));
  }
  await logger.flush();
  await logger.close();
  await new Promise((resolve) => setTimeout(resolve, 100)); // old files are removed asynchronously
}

describe('the log folder stays under its size cap (real files)', () => {
  it('when lines arrive spread over many event-loop turns', async () => {
    const dir = tempDir();
    await writeMuchMoreThanTheCap(dir, { yieldEvery: 3 });
    expect(readdirSync(dir).length).toBeLessThanOrEqual(maxFiles);
    expect(dirBytes(dir)).toBeLessThanOrEqual(cap);
  });

  it('when a burst of lines arrives within one event-loop turn (an error storm)', async () => {
    const dir = tempDir();
    await writeMuchMoreThanTheCap(dir, { yieldEvery: null });
    expect(readdirSync(dir).length).toBeLessThanOrEqual(maxFiles);
    expect(dirBytes(dir)).toBeLessThanOrEqual(cap);
  });

  it('across restarts: five runs in the same folder', async () => {
    const dir = tempDir();
    for (let run = 0; run < 5; run++) await writeMuchMoreThanTheCap(dir, { yieldEvery: 7 });
    expect(readdirSync(dir).length).toBeLessThanOrEqual(maxFiles);
    expect(dirBytes(dir)).toBeLessThanOrEqual(cap);
  });
});

describe('a burst of lines within one event-loop turn', () => {
  it('is rotated like any other: nothing is dropped and no file passes its cap', async () => {
    const dir = tempDir();
    const logger = await createLogger({ file: { dir, maxFileBytes, maxFiles } });
    for (let i = 0; i < 200; i++) logger.info('burst', { i, filler: 'y'.repeat(300) });
    await logger.close();
    const files = readdirSync(dir).sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    expect(files).toHaveLength(maxFiles);
    for (const file of files) expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(maxFileBytes);
    // What the kept files hold is the newest lines without a gap, up to the last one.
    const numbers = files.flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { i: number }).i),
    );
    expect(numbers.at(-1)).toBe(199);
    expect(numbers).toEqual(numbers.map((_, index) => numbers[0]! + index));
  });
});
