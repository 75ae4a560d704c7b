import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../main/sandbox/sandbox.ts';
import type { S3Emulator } from '../../main/sandbox/s3/s3-emulator.ts';
import { prng } from '../support/prng.ts';
import { accountFromEndpoint } from '../support/sandbox-account.ts';
import { tempDir } from '../support/temp.ts';
import { startUploadChild, waitFor, type ChildResult } from '../support/upload-child-harness.ts';

// A processed file survives SIGKILLs of the uploading process: killed while sharp encodes, the task is
// processed again from the start (nothing half-written is journaled); killed while the processed copy
// uploads, the restart sends that same staged copy, so one object with one encoding lands.

const MiB = 1024 * 1024;
const partSize = 8 * MiB;
const partConcurrency = 2;

let sandbox: Sandbox;
let s3: S3Emulator;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ emulators: ['s3'] });
  s3 = sandbox.instances.s3 as S3Emulator;
  dir = tempDir('ferry-processing-crash-');
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The child needs an endpoint for its built-in Sandbox account, which this test never uses. */
const unusedSandboxEndpoint = {
  baseUrl: 'http://127.0.0.1:9',
  credentials: { sdkAppId: '1', identifier: 'unused', userSig: 'unused' },
};

/** A 12 MP photo of noise: its PNG is tens of MiB, so encoding takes seconds and the upload has parts. */
async function noisePhoto(path: string): Promise<void> {
  const width = 4000;
  const height = 3000;
  await sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toFile(path);
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

describe('crash safety of processing', () => {
  it('SIGKILL during processing, then during the upload of the processed copy: one upload of the same bytes', async () => {
    const seed = Number(process.env.FERRY_CRASH_SEED ?? Date.now() % 2 ** 31);
    console.log(`processing crash test seed: ${seed} (replay with FERRY_CRASH_SEED=${seed})`);
    const random = prng(seed);
    const dataDir = join(dir, 'data');
    const processedDir = join(dataDir, 'processed');
    const photo = join(dir, 'IMG_4000.jpg');
    await noisePhoto(photo);
    const account = accountFromEndpoint('s3', sandbox.endpoints.s3!, {
      partConcurrency: String(partConcurrency),
      'process.format': 'png',
      // A PNG of a JPEG's noise is larger than the JPEG: send it anyway, the test is about its bytes.
      'process.keepSmallerOriginal': 'false',
    });
    const bodyBytes = () => s3.stats().requestBodyBytes;
    const partial = () =>
      existsSync(processedDir) && readdirSync(processedDir).some((name) => name.endsWith('.part'));

    // 1: killed while sharp writes the PNG. No byte has gone out; nothing complete is journaled.
    const first = startUploadChild(unusedSandboxEndpoint, dataDir, [photo], { account });
    await waitFor(partial, 60_000);
    await new Promise((r) => setTimeout(r, Math.floor(random() * 200)));
    first.child.kill('SIGKILL');
    await first.output;
    expect(bodyBytes(), 'the kill came after processing').toBe(0);
    expect(readdirSync(processedDir).filter((name) => name.endsWith('.out'))).toEqual([]);

    // 2: the restart processes again, then is killed once the processed copy is part-way out.
    const second = startUploadChild(unusedSandboxEndpoint, dataDir, [], { account });
    await waitFor(() => bodyBytes() > 2 * MiB, 60_000);
    await new Promise((r) => setTimeout(r, Math.floor(random() * 150)));
    second.child.kill('SIGKILL');
    await second.output;
    expect(await s3.listObjects(), 'the upload finished before the kill').toEqual([]);
    const staged = readdirSync(processedDir).filter((name) => name.endsWith('.out'));
    expect(staged).toHaveLength(1);
    const stagedPath = join(processedDir, staged[0]!);
    const stagedSha = sha256Of(stagedPath);
    const stagedSize = readFileSync(stagedPath).length;
    expect(stagedSize).toBeGreaterThan(2 * partSize); // a multipart upload, resumed part by part

    // 3: the last restart sends the staged copy it finds, not a new encoding. The photo is replaced
    // meanwhile: a restart that processed it again would fail (file-changed) or send other bytes.
    await noisePhoto(photo);
    const last = startUploadChild(unusedSandboxEndpoint, dataDir, [], { account });
    const result = JSON.parse(await last.output) as ChildResult;
    expect(result.unfinished).toEqual([]);
    expect(result.entries).toHaveLength(1);
    const [entry] = result.entries;
    expect(entry).toMatchObject({ name: 'IMG_4000.png', sha256: stagedSha, size: stagedSize });
    expect(await s3.listObjects()).toEqual([{ key: entry!.remoteId, size: stagedSize }]);
    expect(await s3.listUploads()).toEqual([]);
    const download = await fetch(entry!.links[0]!.url);
    expect(
      createHash('sha256')
        .update(Buffer.from(await download.arrayBuffer()))
        .digest('hex'),
    ).toBe(stagedSha);
    expect(readdirSync(processedDir)).toEqual([]); // the staged copy went with its task

    const received = bodyBytes();
    console.log(`received ${received} body bytes for a ${stagedSize}-byte processed file over 2 kills`);
    expect(received).toBeLessThanOrEqual(stagedSize + partConcurrency * partSize + 64 * 1024);
  }, 180_000);
});
