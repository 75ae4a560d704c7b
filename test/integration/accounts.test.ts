import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerLoaders } from '../../main/providers/registry.ts';
import { sandboxAccountId, type FerryService } from '../../main/service.ts';
import type { PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { CommandResponse, FerryEvent } from '../../shared/contract.ts';
import type { AccountView, TaskView } from '../../shared/models.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile } from '../support/temp.ts';

let harness: ServiceHarness;
let emulator: PicUpEmulator;
let service: FerryService;
let dataDir: string;
let filesDir: string;

beforeEach(async () => {
  harness = await startServiceHarness();
  ({ emulator, service, dataDir, filesDir } = harness);
});

afterEach(() => harness.close());

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

    const file = randomFile(filesDir, 'via-account.bin', 300_000);
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
    service = await harness.open();

    const file = randomFile(filesDir, 'f.bin', 1000);
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

describe('accounts.update', () => {
  it('renames, patches settings and replaces the secret, which stays write-only', async () => {
    const added = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    const updated = (await service.dispatch('accounts.update', {
      id: added.id,
      name: 'Renamed',
      fields: { toAccount: 'group-2' },
      secrets: { userSig: 'a-replaced-user-sig' },
    })) as AccountView;
    expect(updated).toMatchObject({
      id: added.id,
      name: 'Renamed',
      fields: { ...tencentAccount().fields, toAccount: 'group-2' },
      secretsSet: { userSig: true },
      needsReentry: false,
    });
    expect(JSON.stringify(updated)).not.toContain('a-replaced-user-sig');
    // The replaced secret is the one used now: the emulator refuses it.
    const test = (await service.dispatch('accounts.test', {
      id: added.id,
    })) as CommandResponse<'accounts.test'>;
    expect(test).toMatchObject({ ok: false, error: { code: 'credentials-rejected', providerCode: '70003' } });
  });

  it('uploads the next task with the account as edited, after tasks that used it before the edit', async () => {
    const added = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    // A task's end: its history entry when it finished (the list shows unfinished tasks only), else its view.
    const upload = async (name: string) => {
      const file = randomFile(filesDir, name, 10_000);
      const { taskIds } = (await service.dispatch('uploads.add', {
        paths: [file.path],
        accountId: added.id,
      })) as CommandResponse<'uploads.add'>;
      await service.idle();
      const page = (await service.dispatch('history.list', {})) as CommandResponse<'history.list'>;
      if (page.entries.some((entry) => entry.sha256 === file.sha256)) return { state: 'done' };
      const tasks = (await service.dispatch('uploads.list', {})) as TaskView[];
      return tasks.find((task) => task.id === taskIds[0]);
    };
    expect(await upload('before.bin')).toEqual({ state: 'done' });

    await service.dispatch('accounts.update', { id: added.id, secrets: { userSig: 'a-wrong-user-sig' } });
    const refused = await upload('wrong-secret.bin');
    expect(refused).toMatchObject({
      state: 'failed',
      error: { code: 'provider-rejected', providerMessage: 'UserSig is invalid' },
    });

    await service.dispatch('accounts.update', {
      id: added.id,
      secrets: { userSig: emulator.credentials.userSig },
    });
    expect(await upload('after.bin')).toEqual({ state: 'done' });
  });

  it.each([
    ['a taken name', { name: 'Sandbox' }, /named "Sandbox" exists already/],
    ['an unknown setting', { fields: { colour: 'red' } }, /"colour" is not a setting/],
    ['a secret as a setting', { fields: { userSig: 'x' } }, /"userSig" is not a setting/],
    ['an unknown secret', { secrets: { password: 'x' } }, /"password" is not a secret/],
    ['clearing a required secret', { secrets: { userSig: null } }, /UserSig is required/],
    ['clearing a required setting', { fields: { sdkAppId: '' } }, /is required/],
    ['a bad base URL', { fields: { baseUrl: 'ftp://x' } }, /baseUrl/],
  ])('refuses %s and changes nothing', async (_label, change, message) => {
    const added = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    await expect(service.dispatch('accounts.update', { id: added.id, ...change })).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(message) },
    });
    const listed = (await service.dispatch('accounts.list', {})) as AccountView[];
    expect(listed.find((a) => a.id === added.id)).toEqual(added);
  });

  it('refuses to edit or remove the Sandbox account, and unknown ids', async () => {
    for (const [name, request] of [
      ['accounts.update', { id: sandboxAccountId, name: 'Mine' }],
      ['accounts.remove', { id: sandboxAccountId }],
    ] as const) {
      await expect(service.dispatch(name, request)).rejects.toMatchObject({
        view: { code: 'account-invalid', message: expect.stringMatching(/Sandbox account is built in/) },
      });
      await expect(service.dispatch(name, { id: 'nope' })).rejects.toMatchObject({
        view: { code: 'account-not-found' },
      });
    }
    await expect(service.dispatch('accounts.update', { id: 'x', extra: 1 })).rejects.toMatchObject({
      view: { code: 'invalid-request' },
    });
  });
});

describe('accounts.remove', () => {
  it('refuses while the account has unfinished uploads, then removes it with its secrets and keeps its history', async () => {
    const added = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    const done = randomFile(filesDir, 'done.bin', 10_000);
    await service.dispatch('uploads.add', { paths: [done.path], accountId: added.id });
    await service.idle();

    emulator.injectFault({ kind: 'stall', ms: 60_000 });
    const pending = randomFile(filesDir, 'pending.bin', 10_000);
    const { taskIds } = (await service.dispatch('uploads.add', {
      paths: [pending.path],
      accountId: added.id,
    })) as CommandResponse<'uploads.add'>;
    await service.dispatch('uploads.pause', { taskIds });
    await expect(service.dispatch('accounts.remove', { id: added.id })).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(/1 unfinished upload; cancel them/) },
    });

    await service.dispatch('uploads.cancel', { taskIds });
    await service.idle(); // a running attempt stops asynchronously
    emulator.clearFaults();
    await expect(service.dispatch('accounts.remove', { id: added.id })).resolves.toEqual({ id: added.id });
    const listed = (await service.dispatch('accounts.list', {})) as AccountView[];
    expect(listed.map((a) => a.id)).toEqual([sandboxAccountId]);
    const page = (await service.dispatch('history.list', {})) as CommandResponse<'history.list'>;
    expect(page.entries.map((e) => e.accountId)).toEqual([added.id]);
    // The name is free again, and the new account starts without the old secrets.
    const again = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    expect(again.id).not.toBe(added.id);
  });
});

describe('accounts.test and vault.status', () => {
  it('answers ok for working credentials (a real account and the Sandbox)', async () => {
    const added = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    await expect(service.dispatch('accounts.test', { id: added.id })).resolves.toEqual({ ok: true });
    await expect(service.dispatch('accounts.test', { id: sandboxAccountId })).resolves.toEqual({ ok: true });
  });

  it("answers a failure with the provider's own reason instead of throwing", async () => {
    const wrong = (await service.dispatch(
      'accounts.add',
      tencentAccount({ name: 'wrong', secrets: { userSig: 'not-the-right-sig' } }),
    )) as AccountView;
    await expect(service.dispatch('accounts.test', { id: wrong.id })).resolves.toEqual({
      ok: false,
      unsupported: false,
      error: {
        code: 'credentials-rejected',
        message: 'Tencent IM refused the credentials (code 70003): UserSig is invalid',
        providerMessage: 'UserSig is invalid',
        providerCode: '70003',
      },
    });

    const unreachable = (await service.dispatch(
      'accounts.add',
      tencentAccount({ name: 'down', fields: { ...tencentAccount().fields, baseUrl: 'http://127.0.0.1:9' } }),
    )) as AccountView;
    const down = (await service.dispatch('accounts.test', {
      id: unreachable.id,
    })) as CommandResponse<'accounts.test'>;
    expect(down).toMatchObject({
      ok: false,
      error: { code: 'network', message: expect.stringMatching(/ECONNREFUSED/) },
    });

    await expect(service.dispatch('accounts.test', { id: 'nope' })).rejects.toMatchObject({
      view: { code: 'account-not-found' },
    });
  });

  it('says clearly when a provider has no connection test', async () => {
    const added = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    // This test swaps one adapter for one without a connection test.
    const original = providerLoaders['tencent-im'];
    const provider = await original();
    providerLoaders['tencent-im'] = async () => ({ ...provider, testConnection: undefined });
    try {
      const answer = (await service.dispatch('accounts.test', {
        id: added.id,
      })) as CommandResponse<'accounts.test'>;
      expect(answer).toMatchObject({
        ok: false,
        unsupported: true,
        error: { message: expect.stringMatching(/Tencent Cloud IM has no way to test a connection/) },
      });
    } finally {
      providerLoaders['tencent-im'] = original;
    }
  });

  it('reports the key file as the weaker, not secure, protection', async () => {
    const status = (await service.dispatch('vault.status', {})) as CommandResponse<'vault.status'>;
    expect(status).toMatchObject({ secure: false, kind: 'key-file', note: expect.stringMatching(/0600/) });
  });
});

describe('needs re-entry', () => {
  it('marks an account whose key was replaced, fails its uploads and tests, and clears when re-entered', async () => {
    const added = (await service.dispatch('accounts.add', tencentAccount())) as AccountView;
    await service.close();
    writeFileSync(join(dataDir, 'vault.key'), randomBytes(32)); // another valid key: a restored backup, say
    service = await harness.open();

    const listed = (await service.dispatch('accounts.list', {})) as AccountView[];
    expect(listed.map((a) => [a.name, a.needsReentry, a.secretsSet])).toEqual([
      ['Sandbox', false, { userSig: true }],
      ['Production IM', true, { userSig: true }],
    ]);
    await expect(service.dispatch('accounts.test', { id: added.id })).resolves.toMatchObject({
      ok: false,
      error: { code: 'credentials-unreadable' },
    });
    const before = randomFile(filesDir, 'before-reentry.bin', 5000);
    await expect(
      service.dispatch('uploads.add', { paths: [before.path], accountId: added.id }),
    ).rejects.toMatchObject({ view: { code: 'credentials-unreadable' } });

    const updated = (await service.dispatch('accounts.update', {
      id: added.id,
      secrets: { userSig: emulator.credentials.userSig },
    })) as AccountView;
    expect(updated.needsReentry).toBe(false);
    const file = randomFile(filesDir, 'after-reentry.bin', 5000);
    await service.dispatch('uploads.add', { paths: [file.path], accountId: added.id });
    await service.idle();
    const page = (await service.dispatch('history.list', {})) as CommandResponse<'history.list'>;
    expect(page.entries[0]).toMatchObject({ accountId: added.id, sha256: file.sha256 });
  });

  it('a damaged key file does not stop the service: it is set aside and the account needs re-entry', async () => {
    await service.dispatch('accounts.add', tencentAccount());
    await service.close();
    writeFileSync(join(dataDir, 'vault.key'), 'truncated');
    service = await harness.open();
    const listed = (await service.dispatch('accounts.list', {})) as AccountView[];
    expect(listed.map((a) => a.needsReentry)).toEqual([false, true]);
  });
});
