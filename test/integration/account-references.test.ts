import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAccountId, type FerryService } from '../../main/service.ts';
import type { AccountView } from '../../shared/models.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// An OPPO push account names the account its pictures are uploaded through. The reference is
// resolved and checked when the account is saved, not when the first upload fails.
let harness: ServiceHarness;
let service: FerryService;
const ids: Record<string, string> = {};

beforeAll(async () => {
  harness = await startServiceHarness();
  ({ service } = harness);
  const accounts: Array<[string, string, Record<string, string>, Record<string, string>]> = [
    [
      'Public S3',
      's3',
      {
        endpoint: 'https://s3.example.com',
        bucket: 'pictures',
        accessKeyId: 'AKIAEXAMPLE',
        linkMode: 'public',
        publicBaseUrl: 'https://cdn.example.com',
      },
      { secretAccessKey: 'secret' },
    ],
    [
      'Presigned S3',
      's3',
      { endpoint: 'https://s3.example.com', bucket: 'pictures', accessKeyId: 'AKIAEXAMPLE' },
      { secretAccessKey: 'secret' },
    ],
    [
      'IM files',
      'im-file-api',
      { baseUrl: 'https://im.example.com/api', appId: 'app-1', toId: 'alice' },
      { accessToken: 'token' },
    ],
    ['Tus', 'tus', { endpoint: 'https://tus.example.com/files/' }, {}],
    [
      'Easemob',
      'easemob',
      { baseUrl: 'https://a1.easemob.com', orgName: 'org', appName: 'app', clientId: 'client' },
      { clientSecret: 'secret' },
    ],
  ];
  for (const [name, providerId, fields, secrets] of accounts) {
    const account = (await service.dispatch('accounts.add', {
      providerId,
      name,
      fields,
      secrets,
    })) as AccountView;
    ids[name] = account.id;
  }
});

afterAll(() => harness.close());

let counter = 0;
function addPush(storageAccountId: string): Promise<AccountView> {
  return service.dispatch('accounts.add', {
    providerId: 'oppo-push',
    name: `OPPO ${++counter}`,
    fields: { appKey: 'c96f42e0d2e662e45d035ab1', storageAccountId },
    secrets: { masterSecret: 'secret' },
  }) as Promise<AccountView>;
}

describe('an OPPO push account’s storage account', () => {
  it('is saved as the id when given by name (exact, then case-insensitive) or by id', async () => {
    expect((await addPush('Public S3')).fields['storageAccountId']).toBe(ids['Public S3']);
    expect((await addPush('public s3')).fields['storageAccountId']).toBe(ids['Public S3']);
    expect((await addPush(ids['Presigned S3']!)).fields['storageAccountId']).toBe(ids['Presigned S3']);
    expect((await addPush('Sandbox')).fields['storageAccountId']).toBe(sandboxAccountId);
    expect((await addPush('Tus')).fields['storageAccountId']).toBe(ids['Tus']);
    expect((await addPush('Easemob')).fields['storageAccountId']).toBe(ids['Easemob']);
  });

  it.each([
    [
      'an unknown name',
      'no-such-account',
      /^Storage account \(storageAccountId\): no account named or with the id "no-such-account"/,
    ],
    ['an unknown id', '6f1d3c52-0000-4000-8000-000000000000', /no account named or with the id "6f1d3c52-/],
  ])('refuses %s', async (_label, value, message) => {
    await expect(addPush(value)).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(message) },
    });
  });

  it('refuses an IM file API account: its links need the app_id and access-token headers', async () => {
    await expect(addPush('IM files')).rejects.toMatchObject({
      view: {
        code: 'account-invalid',
        message: expect.stringMatching(
          /^Storage account \(storageAccountId\): "IM files" \(IM server file API.*\) gives no public links.*headers/,
        ),
      },
    });
  });

  it('refuses another OPPO push account, and itself', async () => {
    const push = await addPush('Public S3');
    await expect(addPush(push.name)).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(/gives no public links/) },
    });
    await expect(
      service.dispatch('accounts.update', { id: push.id, fields: { storageAccountId: push.id } }),
    ).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(/gives no public links/) },
    });
  });

  it('is resolved and checked on update too', async () => {
    const push = await addPush('Public S3');
    const updated = (await service.dispatch('accounts.update', {
      id: push.id,
      fields: { storageAccountId: 'Presigned S3' },
    })) as AccountView;
    expect(updated.fields['storageAccountId']).toBe(ids['Presigned S3']);
    await expect(
      service.dispatch('accounts.update', { id: push.id, fields: { storageAccountId: 'IM files' } }),
    ).rejects.toMatchObject({ view: { code: 'account-invalid' } });
    await expect(
      service.dispatch('accounts.update', { id: push.id, fields: { storageAccountId: 'nobody' } }),
    ).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(/"nobody"/) },
    });
    const listed = (await service.dispatch('accounts.list', {})) as AccountView[];
    expect(listed.find((account) => account.id === push.id)?.fields['storageAccountId']).toBe(
      ids['Presigned S3'],
    );
  });
});
