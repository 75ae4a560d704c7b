import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../main/sandbox/s3/s3-emulator.ts';
import { startTusEmulator, type TusEmulator } from '../../main/sandbox/tus/tus-emulator.ts';
import { s3EndpointOf } from '../../main/sandbox/sandbox.ts';
import { accountFromEndpoint } from '../support/sandbox-account.ts';
import { createService, type FerryService } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import { fastRetries } from '../support/service-harness.ts';
import { sha256, tempDir } from '../support/temp.ts';

let s3: S3Emulator;
let tus: TusEmulator;
let service: FerryService;
let dirs: string[];
let filesDir: string;
let dataDir: string;

beforeEach(async () => {
  dirs = [tempDir('ferry-rename-s3-'), tempDir('ferry-rename-tus-'), tempDir('ferry-rename-data-')];
  filesDir = tempDir('ferry-rename-files-');
  dirs.push(filesDir);
  dataDir = dirs[2]!;
  s3 = await startS3Emulator({ storageDir: dirs[0]! });
  tus = await startTusEmulator({ storageDir: dirs[1]! });
  service = await createService({ dataDir, retryPolicy: fastRetries });
  service.grantPaths([filesDir]);
});

afterEach(async () => {
  await service.close();
  await Promise.all([s3.close(), tus.close()]);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function addS3(fields: Record<string, string> = {}): Promise<string> {
  const account = (await service.dispatch('accounts.add', {
    ...accountFromEndpoint('s3', s3EndpointOf(s3), fields),
    name: `s3 ${Math.random()}`,
  })) as CommandResponse<'accounts.add'>;
  return account.id;
}

function textFile(name: string, text: string): string {
  const path = join(filesDir, name);
  writeFileSync(path, text);
  return path;
}

async function upload(
  paths: string[],
  accountId: string,
  extra: Record<string, unknown> = {},
): Promise<HistoryEntryView[]> {
  await service.dispatch('uploads.add', { paths, accountId, ...extra });
  await service.idle();
  const page = (await service.dispatch('history.list', { limit: 50 })) as CommandResponse<'history.list'>;
  return page.entries;
}

describe('remote names from a pattern', () => {
  it('S3: the account pattern makes folders and the name from the bytes sent; the link opens them', async () => {
    const accountId = await addS3({ keyPrefix: 'ferry/', 'process.rename': 'shots/{yyyy}/{hash:12}.{ext}' });
    const path = textFile('notes 1.txt', 'the same words');
    const [entry] = await upload([path], accountId);
    const digest = sha256(readFileSync(path));
    const year = new Date().getUTCFullYear();
    expect((await s3.listObjects()).map((object) => object.key)).toEqual([
      `ferry/shots/${year}/${digest.slice(0, 12)}.txt`,
    ]);
    expect(entry!.name).toBe('notes 1.txt'); // the history keeps the file's own name
    const response = await fetch(entry!.links[0]!.url);
    expect(await response.text()).toBe('the same words');
  });

  it('S3 without a pattern: the key Ferry always made, yyyy/mm/<16 hex>-<name>', async () => {
    const accountId = await addS3();
    await upload([textFile('a.txt', 'a')], accountId);
    const now = new Date();
    const month = String(now.getUTCMonth() + 1).padStart(2, '0');
    const [object] = await s3.listObjects();
    expect(object!.key).toMatch(new RegExp(`^${now.getUTCFullYear()}/${month}/[0-9a-f]{16}-a\\.txt$`));
  });

  it('--rename (a run override) wins over the account pattern; tus gets the name only, no folders', async () => {
    const account = (await service.dispatch('accounts.add', {
      providerId: 'tus',
      name: 'tus',
      fields: { endpoint: tus.endpoint, 'process.rename': 'ignored-{uuid}.{ext}' },
      secrets: { authHeaderValue: tus.credentials!.headerValue },
    })) as CommandResponse<'accounts.add'>;
    await upload([textFile('report.txt', 'r')], account.id, {
      processing: { rename: 'kept/{name}-{rand:6}.{ext}' },
    });
    const [stored] = await tus.uploads();
    expect(stored!.filename).toMatch(/^report-[0-9a-f]{6}\.txt$/);
  });

  it('a pattern the provider cannot take fails the task with the reason, and no request is made', async () => {
    const accountId = await addS3({ 'process.rename': '{ext}/{name}' });
    const before = s3.stats().requests;
    await service.dispatch('uploads.add', { paths: [textFile('README', 'x')], accountId });
    await service.idle();
    const [task] = (await service.dispatch('uploads.list', {})) as TaskView[];
    expect(task!.state).toBe('failed');
    expect(task!.error).toMatchObject({
      code: 'account-invalid',
      message: expect.stringMatching(/empty folder name/),
    });
    expect(s3.stats().requests).toBe(before);
  });

  it('an account pattern that does not parse is refused when it is saved', async () => {
    await expect(addS3({ 'process.rename': '{date}/{name}' })).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(/"\{date\}" is not a placeholder/) },
    });
  });
});
