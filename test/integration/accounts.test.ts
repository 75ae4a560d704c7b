import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createService, sandboxAccountId, type FerryService } from '../../main/service.ts';
import { startPicUpEmulator, type PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { CommandResponse, FerryEvent } from '../../shared/contract.ts';
import type { AccountView, TaskView } from '../../shared/models.ts';
import { randomFile, tempDir } from '../support/temp.ts';

let emulator: PicUpEmulator;
let service: FerryService;
let dataDir: string;

beforeEach(async () => {
  emulator = await startPicUpEmulator({ storageDir: tempDir() });
  dataDir = tempDir();
  service = await createService({ dataDir, sandboxEmulator: emulator });
});

afterEach(async () => {
  await service.close();
  await emulator.close();
});

function tencentAccount(
  overrides: Partial<{ name: string; fields: Record<string, string>; secrets: Record<string, string> }> = {},
) {
  return {
    providerId: 'tencent-im',
    name: overrides.name ?? 'Production IM',
    fields: overrides.fields ?? {
      baseUrl: emulator.baseUrl,
      sdkAppId: emulator.credentials.sdkAppId,
      identifier: emulator.credentials.identifier,
      fromAccount: 'ops',
      toAccount: 'group-1',
    },
    secrets: overrides.secrets ?? { userSig: emulator.credentials.userSig },
  };
}

describe('accounts', () => {
  it('adds an account whose secret is only ever reported as set, and uploads through it', async () => {
    const events: FerryEvent[] = [];
    service.subscribe((event) => events.push(event));
    const added = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    expect(added.secretsSet).toEqual({ userSig: true });
    expect(JSON.stringify(added)).not.toContain(emulator.credentials.userSig);
    const listed = (await service.dispatch('accounts.list', {})) as AccountView[];
    expect(listed.map((a) => a.name)).toEqual(['Sandbox', 'Production IM']);
    expect(JSON.stringify(listed)).not.toContain(emulator.credentials.userSig);

    const file = randomFile(tempDir(), 'via-account.bin', 300_000);
    await service.dispatch('uploads.add', { paths: [file.path], accountId: added.id });
    await service.idle();
    const page = (await service.dispatch('history.list', {})) as CommandResponse<'history.list'>;
    expect(page.entries[0]).toMatchObject({ accountId: added.id, sha256: file.sha256 });
    expect(JSON.stringify(events)).not.toContain(emulator.credentials.userSig);
  });

  it.each([
    ['an unknown provider', { providerId: 'ftp' }, /Unknown provider/],
    ['a missing secret', { secrets: {} }, /UserSig is required/],
    ['a secret passed as a plain field', { fieldsExtra: { userSig: 'x' } }, /not a setting/],
    ['an unknown secret', { secretsExtra: { password: 'x' } }, /not a secret/],
    ['a bad base URL', { fieldsExtra: { baseUrl: 'ftp://x' } }, /baseUrl/],
  ])('refuses %s with a specific message', async (_label, change, message) => {
    const base = tencentAccount();
    const request = {
      ...base,
      ...('providerId' in change ? { providerId: change.providerId } : {}),
      ...('secrets' in change ? { secrets: change.secrets } : {}),
      fields: { ...base.fields, ...('fieldsExtra' in change ? change.fieldsExtra : {}) },
      ...('secretsExtra' in change ? { secrets: { ...base.secrets, ...change.secretsExtra } } : {}),
    };
    await expect(service.dispatch('accounts.add', request)).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(message) },
    });
  });

  it('refuses a second account with the same name', async () => {
    await service.dispatch('accounts.add', tencentAccount());
    await expect(service.dispatch('accounts.add', tencentAccount())).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(/exists already/) },
    });
  });

  it('marks an account whose secrets cannot be decrypted (key lost) and keeps the others working', async () => {
    const added = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    await service.close();
    rmSync(join(dataDir, 'vault.key'));
    service = await createService({ dataDir, sandboxEmulator: emulator });

    const file = randomFile(tempDir(), 'f.bin', 1000);
    // The whole call is refused for that account, with the reason, not a crash.
    await expect(
      service.dispatch('uploads.add', { paths: [file.path], accountId: added.id }),
    ).rejects.toMatchObject({
      view: {
        code: 'credentials-unreadable',
        message: expect.stringMatching(/Production IM.*enter them again/),
      },
    });
    await service.dispatch('uploads.add', { paths: [file.path], accountId: sandboxAccountId });
    await service.idle();
    const tasks = (await service.dispatch('uploads.list', {})) as TaskView[];
    expect(tasks).toEqual([]);
    const page = (await service.dispatch('history.list', {})) as CommandResponse<'history.list'>;
    expect(page.entries.map((e) => e.accountId)).toEqual([sandboxAccountId]);
  });
});
