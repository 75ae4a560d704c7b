import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Emulator, type S3Emulator } from '../../main/sandbox/s3/s3-emulator.ts';
import { startTusEmulator, type TusEmulator } from '../../main/sandbox/tus/tus-emulator.ts';
import { s3EndpointOf } from '../../main/sandbox/sandbox.ts';
import { accountFromEndpoint } from '../support/sandbox-account.ts';
import { createService, type FerryService } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { AccountView } from '../../shared/models.ts';
import { randomFile, sha256, tempDir } from '../support/temp.ts';

// The partSizeMiB setting, from `settings.update` to the requests that reach a real S3 (s3rver behind
// the S3 emulator) and a real tus server (@tus/server): parts and chunks are counted at the server.

const MiB = 1024 * 1024;

let s3: S3Emulator;
let tus: TusEmulator;
let service: FerryService;
const dirs: string[] = [];

function dir(prefix: string): string {
  const path = tempDir(prefix);
  dirs.push(path);
  return path;
}

beforeAll(async () => {
  s3 = await startS3Emulator({ storageDir: dir('ferry-part-size-s3-') });
  tus = await startTusEmulator({ storageDir: dir('ferry-part-size-tus-') });
  service = await createService({ dataDir: dir('ferry-part-size-data-') });
});

afterAll(async () => {
  await service?.close();
  await s3?.close();
  await tus?.close();
  await Promise.all(dirs.map((path) => rm(path, { recursive: true, force: true })));
});

async function addAccount(
  providerId: string,
  fields: Record<string, string>,
  secrets: Record<string, string>,
) {
  const account = (await service.dispatch('accounts.add', {
    providerId,
    name: `${providerId} ${Math.random()}`,
    fields,
    secrets,
  })) as AccountView;
  return account.id;
}

function addS3Account(fields: Record<string, string> = {}): Promise<string> {
  const { fields: s3Fields, secrets } = accountFromEndpoint('s3', s3EndpointOf(s3), fields);
  return addAccount('s3', s3Fields, secrets);
}

function addTusAccount(fields: Record<string, string> = {}): Promise<string> {
  return addAccount(
    'tus',
    { endpoint: tus.endpoint, ...fields },
    { authHeaderValue: tus.credentials!.headerValue },
  );
}

async function setPartSize(partSizeMiB: number): Promise<void> {
  await service.dispatch('settings.update', { partSizeMiB });
}

/**
 * Upload one file to completion and say how much `counter` (a count kept by the server) grew while it
 * ran; the bytes must then come back identical through the history's link.
 */
async function upload(accountId: string, size: number, counter: () => number): Promise<number> {
  const file = randomFile(dir('ferry-part-size-files-'), 'file.bin', size);
  const before = counter();
  service.grantPaths([file.path]); // as a drop on the window would
  const { taskIds } = (await service.dispatch('uploads.add', {
    paths: [file.path],
    accountId,
  })) as CommandResponse<'uploads.add'>;
  await service.idle();
  const grown = counter() - before;
  // Done tasks are not listed: a failed one would show here with its error.
  const tasks = (await service.dispatch('uploads.list', {})) as Array<{ id: string; state: string }>;
  expect(tasks.filter((task) => taskIds.includes(task.id))).toEqual([]);
  const page = (await service.dispatch('history.list', { limit: 500 })) as CommandResponse<'history.list'>;
  const entry = page.entries.find((candidate) => candidate.sha256 === file.sha256);
  expect(entry?.size).toBe(size);
  const response = await fetch(entry!.links[0]!.url);
  expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(file.sha256);
  return grown;
}

/** Requests an S3 upload sends: one PutObject, or CreateMultipartUpload + one per part + Complete. */
function s3RequestsFor(accountId: string, size: number): Promise<number> {
  return upload(accountId, size, () => s3.stats().requests);
}

function tusPatchesFor(accountId: string, size: number): Promise<number> {
  return upload(accountId, size, () => tus.stats().requests.PATCH);
}

describe('the partSizeMiB setting', () => {
  const size = 12 * MiB + 1;

  it('sets the size of S3 parts, raised to S3’s 5 MiB minimum and grown to stay within maxParts', async () => {
    const account = await addS3Account();
    await setPartSize(0); // Ferry's 8 MiB: two parts
    expect(await s3RequestsFor(account, size)).toBe(2 + 2);
    await setPartSize(5); // three parts
    expect(await s3RequestsFor(account, size)).toBe(3 + 2);
    await setPartSize(2); // under S3's minimum: 5 MiB parts, three of them
    expect(await s3RequestsFor(account, size)).toBe(3 + 2);
    await setPartSize(16); // the whole file is one part: a single PutObject
    expect(await s3RequestsFor(account, size)).toBe(1);

    // An account allowing only two parts gets two parts of 6 MiB and a byte, whatever the setting.
    const twoParts = await addS3Account({ maxParts: '2' });
    await setPartSize(5);
    expect(await s3RequestsFor(twoParts, size)).toBe(2 + 2);
  });

  it('sets the tus chunk size unless the account has its own; 0 keeps the 64 MiB default', async () => {
    const account = await addTusAccount();
    await setPartSize(0);
    expect(await tusPatchesFor(account, 3 * MiB + 5)).toBe(1);
    await setPartSize(1);
    expect(await tusPatchesFor(account, 3 * MiB + 5)).toBe(4);

    const ownChunks = await addTusAccount({ chunkSize: String(2 * MiB) });
    expect(await tusPatchesFor(ownChunks, 3 * MiB + 5)).toBe(2);
  });
});
