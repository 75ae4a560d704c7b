import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  emulatedProvider,
  startSandbox,
  type EmulatorKey,
  type Sandbox,
} from '../../main/sandbox/sandbox.ts';
import { createService, type FerryService } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { AccountView, HistoryEntryView } from '../../shared/models.ts';
import { accountFromEndpoint } from '../support/sandbox-account.ts';
import { randomFile, tempDir } from '../support/temp.ts';

// What `npm run sandbox` prints is enough to add a working account of every provider: the endpoint's
// keys are the catalog's field names, split here into settings and secrets exactly as the catalog says.

/** What an account needs beyond the emulator's endpoint: who the file is for. */
const extraFields: Partial<Record<EmulatorKey, Record<string, string>>> = {
  tencentIm: { fromAccount: 'ferry-user', toAccount: 'friend' },
  imFileApi: { toId: 'friend', toType: '1' },
};

let sandbox: Sandbox;
let service: FerryService;
const accounts = new Map<EmulatorKey, AccountView>();

async function addAccount(key: EmulatorKey, more: Record<string, string> = {}): Promise<AccountView> {
  const request = accountFromEndpoint(key, sandbox.endpoints[key]!, { ...extraFields[key], ...more });
  return (await service.dispatch('accounts.add', request)) as AccountView;
}

beforeAll(async () => {
  sandbox = await startSandbox();
  service = await createService({ dataDir: tempDir('ferry-data-'), sandboxEmulator: sandbox.tencentIm! });
  for (const key of ['tencentIm', 'imFileApi', 'easemob', 's3', 'tus'] as const)
    accounts.set(key, await addAccount(key));
  // OPPO registers pictures that another account hosts: the Tencent emulator's links are public on loopback.
  accounts.set('oppoPush', await addAccount('oppoPush', { storageAccountId: accounts.get('tencentIm')!.id }));
}, 60_000);

afterAll(async () => {
  await service?.close();
  await sandbox?.close();
});

async function uploadOne(key: EmulatorKey, path: string): Promise<HistoryEntryView> {
  service.grantPaths([path]); // as the user's drop would
  await service.dispatch('uploads.add', { paths: [path], accountId: accounts.get(key)!.id });
  await service.idle();
  const tasks = (await service.dispatch('uploads.list', {})) as CommandResponse<'uploads.list'>;
  expect(tasks.filter((task) => task.state === 'failed').map((task) => task.error)).toEqual([]);
  const page = (await service.dispatch('history.list', {
    accountId: accounts.get(key)!.id,
  })) as CommandResponse<'history.list'>;
  expect(page.entries).toHaveLength(1);
  return page.entries[0]!;
}

describe('the sandbox printed by npm run sandbox', () => {
  for (const key of ['tencentIm', 'imFileApi', 'easemob', 's3', 'tus'] as const) {
    it(`gives a working ${emulatedProvider[key]} account: test connection passes and a file comes back identical`, async () => {
      const test = (await service.dispatch('accounts.test', {
        id: accounts.get(key)!.id,
      })) as CommandResponse<'accounts.test'>;
      expect(test).toEqual({ ok: true });
      const file = randomFile(tempDir(), `${key}.bin`, 300_000);
      const entry = await uploadOne(key, file.path);
      const link = entry.links[0]!;
      // The IM file API's download endpoint wants the app's credentials (headers), then redirects.
      const endpoint = sandbox.endpoints.imFileApi!;
      const headers: Record<string, string> =
        key === 'imFileApi'
          ? { app_id: String(endpoint.appId), 'access-token': String(endpoint.accessToken) }
          : {};
      const response = await fetch(link.url, { headers });
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(file.path))).toBe(true);
    });
  }

  it('gives a working oppo-push account that registers both derivatives through the Tencent account', async () => {
    const path = join(tempDir(), 'banner.jpg');
    await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#3366aa' } })
      .jpeg()
      .toFile(path);
    const entry = await uploadOne('oppoPush', path);
    expect(entry.details).toMatchObject({
      bigPictureId: expect.any(String),
      smallPictureId: expect.any(String),
    });
  });
});
