import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import got from 'got';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SentFile } from '../../../../main/engine/sent-file.ts';
import { UploadError } from '../../../../main/net/upload-error.ts';
import { picUpConfigSchema, picUpProvider } from '../../../../main/providers/tencent-im/pic-up-provider.ts';
import type { StepContext } from '../../../../main/providers/provider.ts';
import {
  startPicUpEmulator,
  type PicUpEmulator,
} from '../../../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { rewriteInPlace, wholeSecondTimes } from '../../../support/file-edits.ts';
import { randomFile, tempDir } from '../../../support/temp.ts';

let dir: string;
let emulator: PicUpEmulator;
let ctx: StepContext<ReturnType<typeof picUpConfigSchema.parse>>;

beforeEach(async () => {
  dir = tempDir('ferry-pic-up-');
  emulator = await startPicUpEmulator({ storageDir: join(dir, 'emulator') });
  ctx = {
    config: picUpConfigSchema.parse({
      baseUrl: emulator.baseUrl,
      sdkAppId: emulator.credentials.sdkAppId,
      identifier: emulator.credentials.identifier,
      fromAccount: 'a',
      toAccount: 'b',
    }),
    secrets: { userSig: emulator.credentials.userSig },
    http: got,
    signal: new AbortController().signal,
    onBytesSent: () => {},
  };
});

afterEach(() => emulator.close());

/** A file with its digests taken up front, as the engine hands a Tencent upload to the provider. */
async function hashedFile(size: number): Promise<{ path: string; file: SentFile }> {
  const { path, sha256 } = randomFile(dir, `f${size}.bin`, size);
  wholeSecondTimes(path);
  const file = await SentFile.open(path);
  file.expectDigests({ md5: createHash('md5').update(readFileSync(path)).digest('hex'), sha256 });
  return { path, file };
}

describe('pic_up, a slice of one piece', () => {
  it('uploads a small file in one request, intact', async () => {
    const { path, file } = await hashedFile(4096);
    const result = await picUpProvider.step(ctx, file, await picUpProvider.startSession(ctx, file));
    expect(result.kind).toBe('done');
    const [stored] = await emulator.listObjects();
    expect(stored).toMatchObject({
      size: 4096,
      md5: createHash('md5').update(readFileSync(path)).digest('hex'),
    });
  });

  it('checks the file before the request starts: a file changed since its digests sends nothing', async () => {
    const { path, file } = await hashedFile(4096);
    const session = await picUpProvider.startSession(ctx, file);
    rewriteInPlace(path, 100, 10);
    const error = await picUpProvider.step(ctx, file, session).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).view.code).toBe('file-changed');
    expect(emulator.stats().requests).toBe(0);
  });
});
