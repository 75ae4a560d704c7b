import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandError } from '../../main/contract-dispatch.ts';
import type { PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { FerryService } from '../../main/service.ts';
import { maxStagedBytes } from '../../shared/contract.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { sha256 } from '../support/temp.ts';

let harness: ServiceHarness;
let emulator: PicUpEmulator;
let service: FerryService;

beforeEach(async () => {
  harness = await startServiceHarness();
  ({ emulator, service } = harness);
});

afterEach(() => harness.close());

async function refusal(promise: Promise<unknown>): Promise<CommandError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
}

describe('uploads.stage (pasted bytes with no file behind them)', () => {
  it('writes the bytes into a folder of their own under the staging dir, uploads them, then removes them', async () => {
    const bytes = randomBytes(300_000);
    const { path } = (await service.dispatch('uploads.stage', {
      name: '../../Pasted image.png',
      bytesBase64: bytes.toString('base64'),
    })) as { path: string };
    // The name is cleaned (no way out of the staging dir) and the file is exactly the bytes.
    expect(relative(service.stagingDir, path).startsWith('..')).toBe(false);
    expect(path.endsWith('/Pasted image.png')).toBe(true);
    expect(sha256(readFileSync(path))).toBe(sha256(bytes));

    await service.dispatch('uploads.add', { paths: [path], accountId: 'sandbox' });
    await service.idle();
    const [task] = (await service.dispatch('uploads.list', {})) as Array<{ state: string }>;
    expect(task).toBeUndefined(); // done tasks leave the list
    const objects = await emulator.listObjects();
    expect(objects.map((object) => object.size)).toEqual([bytes.length]);
    await expect.poll(() => existsSync(dirname(path)), { timeout: 10_000 }).toBe(false);
  });

  it('refuses text that is not base64, an empty name, unknown keys and anything over the bound', async () => {
    expect(
      (await refusal(service.dispatch('uploads.stage', { name: 'a.png', bytesBase64: 'not base64!' }))).view
        .code,
    ).toBe('invalid-request');
    expect(
      (await refusal(service.dispatch('uploads.stage', { name: ' ', bytesBase64: 'AAAA' }))).view.code,
    ).toBe('invalid-request');
    expect(
      (
        await refusal(
          service.dispatch('uploads.stage', { name: 'a.png', bytesBase64: 'AAAA', path: '/etc/passwd' }),
        )
      ).view.code,
    ).toBe('invalid-request');
    const tooLong = 'A'.repeat(Math.ceil(maxStagedBytes / 3) * 4 + 4);
    expect(
      (await refusal(service.dispatch('uploads.stage', { name: 'a.png', bytesBase64: tooLong }))).view.code,
    ).toBe('invalid-request');
  });

  it('refuses base64 that decodes to nothing', async () => {
    expect(
      (await refusal(service.dispatch('uploads.stage', { name: 'a.png', bytesBase64: '==' }))).view.code,
    ).toBe('invalid-request');
  });
});
