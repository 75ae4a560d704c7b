import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPicUpEmulator, type PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { defaultSliceSize } from '../../main/providers/tencent-im/slice-plan.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import { tempDir } from '../support/temp.ts';
import { prng, startUploadChild, waitFor, writeRandomFile } from '../support/upload-child-harness.ts';

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

const endpoint = () => ({ baseUrl: emulator.baseUrl, credentials: emulator.credentials });

describe('crash safety', () => {
  it(`survives ${kills} SIGKILLs at random moments of a 200 MiB upload: identical bytes, one object, bounded re-sends`, async () => {
    const seed = Number(process.env.FERRY_CRASH_SEED ?? Date.now() % 2 ** 31);
    console.log(`crash test seed: ${seed} (replay with FERRY_CRASH_SEED=${seed})`);
    const random = prng(seed);
    const dir = tempDir('ferry-crash-');
    const dataDir = join(dir, 'data');
    const path = join(dir, 'big.bin');
    const sha256 = await writeRandomFile(path, fileSize);

    let paths = [path];
    for (let kill = 0; kill < kills; kill++) {
      const before = emulator.stats().sliceBytesReceived;
      const { child, output } = startUploadChild(endpoint(), dataDir, paths);
      paths = []; // restarts only resume what the journal holds
      // Let the upload make real progress first, then kill at a random moment of the next slices.
      await waitFor(() => emulator.stats().sliceBytesReceived > before);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 60)));
      expect(emulator.stats().completedUploads, 'the upload finished before the planned kills').toBe(0);
      child.kill('SIGKILL');
      await output;
    }

    const { output } = startUploadChild(endpoint(), dataDir, []);
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
