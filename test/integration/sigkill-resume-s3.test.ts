import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../main/sandbox/sandbox.ts';
import type { S3Emulator } from '../../main/sandbox/s3/s3-emulator.ts';
import { prng } from '../support/prng.ts';
import { accountFromEndpoint } from '../support/sandbox-account.ts';
import { tempDir } from '../support/temp.ts';
import {
  startUploadChild,
  waitFor,
  writeRandomFile,
  type ChildResult,
} from '../support/upload-child-harness.ts';

// S3 multipart survives SIGKILLs of the uploading process: after each restart the journaled upload id is
// reconciled with ListParts and only the parts the server lacks are sent again.

const MiB = 1024 * 1024;
const partSize = 8 * MiB;
const partConcurrency = 3;
const fileSize = 72 * MiB + 4321; // ten parts, the last one short
const kills = 4;

let sandbox: Sandbox;
let s3: S3Emulator;

beforeAll(async () => {
  sandbox = await startSandbox({ emulators: ['s3'] });
  s3 = sandbox.instances.s3 as S3Emulator;
});
afterAll(async () => {
  await sandbox.close();
});

/** The child needs an endpoint for its built-in Sandbox account, which this test never uses. */
const unusedSandboxEndpoint = {
  baseUrl: 'http://127.0.0.1:9',
  credentials: { sdkAppId: '1', identifier: 'unused', userSig: 'unused' },
};

describe('crash safety on S3', () => {
  it(`survives ${kills} SIGKILLs mid-multipart: one object, identical bytes, re-sends bounded by the parts in flight`, async () => {
    const seed = Number(process.env.FERRY_CRASH_SEED ?? Date.now() % 2 ** 31);
    console.log(`s3 crash test seed: ${seed} (replay with FERRY_CRASH_SEED=${seed})`);
    const random = prng(seed);
    const dir = tempDir('ferry-s3-crash-');
    const dataDir = join(dir, 'data');
    const path = join(dir, 'big.bin');
    const sha256 = await writeRandomFile(path, fileSize);
    const account = accountFromEndpoint('s3', sandbox.endpoints.s3!, {
      partConcurrency: String(partConcurrency),
    });
    const bodyBytes = () => s3.stats().requestBodyBytes;

    let paths = [path];
    for (let kill = 0; kill < kills; kill++) {
      const before = bodyBytes();
      const { child, output } = startUploadChild(unusedSandboxEndpoint, dataDir, paths, { account });
      paths = []; // restarts only resume what the journal holds
      await waitFor(() => bodyBytes() > before + MiB);
      await new Promise((r) => setTimeout(r, Math.floor(random() * 150)));
      child.kill('SIGKILL');
      await output;
      expect(await s3.listObjects(), 'the upload finished before the planned kills').toEqual([]);
    }

    const { output } = startUploadChild(unusedSandboxEndpoint, dataDir, [], { account });
    const result = JSON.parse(await output) as ChildResult;
    expect(result.unfinished).toEqual([]);
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]!.sha256).toBe(sha256);

    expect(await s3.listObjects()).toEqual([{ key: result.entries[0]!.remoteId, size: fileSize }]);
    expect(await s3.listUploads()).toEqual([]);
    const download = await fetch(result.entries[0]!.links[0]!.url);
    const downloaded = createHash('sha256');
    for await (const chunk of download.body!) downloaded.update(chunk);
    expect(downloaded.digest('hex')).toBe(sha256);

    // Parts and the small XML bodies of Complete: everything past the file's size was re-sent.
    const received = bodyBytes();
    console.log(`received ${received} body bytes for a ${fileSize}-byte file over ${kills} kills`);
    expect(received).toBeLessThanOrEqual(fileSize + kills * partConcurrency * partSize + 64 * 1024);
  }, 120_000);
});
