import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../main/sandbox/s3/s3-emulator.ts';
import type { FerryService } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { AccountView, TaskView } from '../../shared/models.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { sha256, tempDir } from '../support/temp.ts';

// File names as long as a file system allows, uploaded through the service to the S3 emulator.
let harness: ServiceHarness;
let service: FerryService;
let emulator: S3Emulator;
let accountId: string;

beforeEach(async () => {
  harness = await startServiceHarness();
  ({ service } = harness);
  emulator = await startS3Emulator({ storageDir: tempDir('ferry-s3-names-') });
  const account = (await service.dispatch('accounts.add', {
    providerId: 's3',
    name: 'S3 sandbox',
    fields: {
      endpoint: emulator.baseUrl,
      region: emulator.region,
      bucket: emulator.bucket,
      pathStyle: 'true',
      accessKeyId: emulator.credentials.accessKeyId,
      keyPrefix: 'ferry/',
    },
    secrets: { secretAccessKey: emulator.credentials.secretAccessKey },
  })) as AccountView;
  accountId = account.id;
});

afterEach(async () => {
  await harness.close();
  await emulator.close();
});

describe('S3 keys from the longest file names', () => {
  it('uploads 255-byte names (Latin, Chinese, emoji) with keys cut to fit, extensions and bytes kept', async () => {
    const names = [
      `${'n'.repeat(251)}.jpg`,
      `${'照'.repeat(83)}.png`, // 253 bytes
      `${'😀'.repeat(62)}a.gif`, // 253 bytes, 62 surrogate pairs
    ];
    const files = names.map((name, i) => {
      const path = join(harness.filesDir, name);
      const bytes = Buffer.from(`file ${i} `.repeat(1000));
      writeFileSync(path, bytes);
      return { path, name, sha256: sha256(bytes) };
    });
    await service.dispatch('uploads.add', { paths: files.map((file) => file.path), accountId });
    await service.idle();

    expect((await service.dispatch('uploads.list', {})) as TaskView[]).toEqual([]);
    const { entries } = (await service.dispatch('history.list', {
      limit: 10,
    })) as CommandResponse<'history.list'>;
    expect(entries.map((entry) => entry.name).sort()).toEqual([...names].sort());
    for (const file of files) {
      const entry = entries.find((candidate) => candidate.name === file.name)!;
      expect(entry.sha256).toBe(file.sha256);
      const key = entry.remoteId!;
      const last = key.split('/').pop()!;
      expect(Buffer.byteLength(last)).toBeLessThanOrEqual(200);
      expect(last).not.toMatch(/\p{Cs}/u);
      expect(last.slice(last.lastIndexOf('.'))).toBe(file.name.slice(file.name.lastIndexOf('.')));
      // The link serves the same bytes.
      const response = await fetch(entry.links[0]!.url);
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(file.sha256);
    }
    expect((await emulator.listObjects()).map((object) => object.key).sort()).toEqual(
      entries.map((entry) => entry.remoteId).sort(),
    );
  });
});
