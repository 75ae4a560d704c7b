import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPicUpEmulator, type PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { defaultSliceSize } from '../../main/providers/tencent-im/slice-plan.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import { tempDir } from '../support/temp.ts';

const childScript = resolve(import.meta.dirname, '../support/upload-child.ts');
const fileSize = 200 * 1024 * 1024;
const kills = 10;
/** Tencent's pic_up sends one slice at a time per file. */
const inFlightParts = 1;

let emulator: PicUpEmulator;

beforeAll(async () => {
  emulator = await startPicUpEmulator({ storageDir: tempDir('ferry-crash-emulator-') });
});
afterAll(async () => {
  await emulator.close();
});

/** A seeded PRNG (mulberry32), so a failing run can be replayed from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 200 MiB of non-repeating bytes, written in 1 MiB blocks without holding the file in memory. */
async function writeBigFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let written = 0; written < fileSize; written += 1024 * 1024) {
    const block = randomBytes(1024 * 1024);
    hash.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

function startChild(dataDir: string, paths: string[]): { child: ChildProcess; output: Promise<string> } {
  const endpoint = JSON.stringify({ baseUrl: emulator.baseUrl, credentials: emulator.credentials });
  const child = spawn(
    process.execPath,
    [childScript, '--data-dir', dataDir, '--endpoint', endpoint, ...paths],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = once(child, 'exit').then(([code, signal]) => {
    if (code !== 0 && signal !== 'SIGKILL') throw new Error(`child exited ${code} ${signal}:\n${stderr}`);
    return stdout;
  });
  return { child, output };
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('crash safety', () => {
  it(`survives ${kills} SIGKILLs at random moments of a 200 MiB upload: identical bytes, one object, bounded re-sends`, async () => {
    const seed = Number(process.env.FERRY_CRASH_SEED ?? Date.now() % 2 ** 31);
    console.log(`crash test seed: ${seed} (replay with FERRY_CRASH_SEED=${seed})`);
    const random = prng(seed);
    const dir = tempDir('ferry-crash-');
    const dataDir = join(dir, 'data');
    const path = join(dir, 'big.bin');
    const sha256 = await writeBigFile(path);

    let paths = [path];
    for (let kill = 0; kill < kills; kill++) {
      const before = emulator.stats().sliceBytesReceived;
      const { child, output } = startChild(dataDir, paths);
      paths = []; // restarts only resume what the journal holds
      // Let the upload make real progress first, then kill at a random moment of the next slices.
      await waitFor(() => emulator.stats().sliceBytesReceived > before);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 60)));
      expect(emulator.stats().completedUploads, 'the upload finished before the planned kills').toBe(0);
      child.kill('SIGKILL');
      await output;
    }

    const { output } = startChild(dataDir, []);
    const result = JSON.parse(await output) as { entries: HistoryEntryView[]; unfinished: unknown[] };
    expect(result.unfinished).toEqual([]);
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]!.sha256).toBe(sha256);

    const objects = await emulator.listObjects();
    expect(objects).toHaveLength(1);
    const download = await fetch(result.entries[0]!.links[0]!.url);
    const downloaded = createHash('sha256');
    for await (const chunk of download.body!) downloaded.update(chunk);
    expect(downloaded.digest('hex')).toBe(sha256);

    const received = emulator.stats().sliceBytesReceived;
    console.log(`received ${received} bytes for a ${fileSize}-byte file over ${kills} kills`);
    expect(received).toBeLessThanOrEqual(fileSize + kills * inFlightParts * defaultSliceSize);
  }, 180_000);
});
