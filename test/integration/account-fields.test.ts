import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FerryService } from '../../main/service.ts';
import type { AccountView } from '../../shared/models.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// Every setting is checked when the account is saved, and the refusal names the setting: a value that
// would only fail at upload time (often as a misleading "refused the account's keys") never gets in.
let harness: ServiceHarness;
let service: FerryService;

beforeAll(async () => {
  harness = await startServiceHarness();
  ({ service } = harness);
});

afterAll(() => harness.close());

/** A working set of settings and secrets per provider; nothing here touches the network. */
const valid: Record<string, { fields: Record<string, string>; secrets: Record<string, string> }> = {
  s3: {
    fields: {
      endpoint: 'https://s3.eu-west-1.amazonaws.com',
      bucket: 'my-bucket',
      accessKeyId: 'AKIAEXAMPLE',
      keyPrefix: 'uploads/',
    },
    secrets: { secretAccessKey: 'secret' },
  },
  'tencent-im': {
    fields: {
      baseUrl: 'https://console.tim.qq.com',
      sdkAppId: '1400000000',
      identifier: 'admin',
      fromAccount: 'ops',
      toAccount: 'group-1',
    },
    secrets: { userSig: 'sig' },
  },
  easemob: {
    fields: { baseUrl: 'https://a1.easemob.com', orgName: 'org-1', appName: 'app_1', clientId: 'YXA6client' },
    secrets: { clientSecret: 'secret' },
  },
  tus: { fields: { endpoint: 'https://tus.example.com/files/' }, secrets: {} },
  'im-file-api': {
    fields: { baseUrl: 'https://im.example.com/api', appId: 'app-1', toId: 'alice' },
    secrets: { accessToken: 'token' },
  },
  'oppo-push': {
    fields: { appKey: 'c96f42e0d2e662e45d035ab1', storageAccountId: 'sandbox' },
    secrets: { masterSecret: 'secret' },
  },
};

/** [provider, field, refused value, what the message must say after the field's label]. */
const refused: Array<[string, string, string, RegExp]> = [
  ['s3', 'keyPrefix', '../../x/', /^Key prefix \(keyPrefix\): must not contain '\.\.' segments/],
  ['s3', 'keyPrefix', 'a/../b/', /^Key prefix \(keyPrefix\): must not contain '\.\.' segments/],
  ['s3', 'keyPrefix', './a/', /^Key prefix \(keyPrefix\): must not contain '\.' segments/],
  ['s3', 'keyPrefix', '/lead/', /^Key prefix \(keyPrefix\): must not start with '\/'/],
  ['s3', 'keyPrefix', 'a//b/', /^Key prefix \(keyPrefix\): must not contain empty segments/],
  ['s3', 'keyPrefix', 'a\\b/', /^Key prefix \(keyPrefix\): must not contain '\\'/],
  [
    's3',
    'keyPrefix',
    'a\u0000b/',
    /^Key prefix \(keyPrefix\): must not contain invisible or control characters \(U\+0000\)/,
  ],
  [
    's3',
    'keyPrefix',
    'a\nb/',
    /^Key prefix \(keyPrefix\): must not contain invisible or control characters \(U\+000A\)/,
  ],
  [
    's3',
    'keyPrefix',
    'gpj.\u202Eexe/',
    /^Key prefix \(keyPrefix\): must not contain invisible or control characters \(U\+202E\)/,
  ],
  ['s3', 'keyPrefix', `${'p'.repeat(817)}`, /^Key prefix \(keyPrefix\): must be at most 816 bytes/],
  [
    's3',
    'endpoint',
    'ftp://s3.example.com',
    /^Endpoint \(endpoint\): must be an http:\/\/ or https:\/\/ URL/,
  ],
  ['s3', 'endpoint', 'http://', /^Endpoint \(endpoint\): must be an http:\/\/ or https:\/\/ URL/],
  [
    's3',
    'endpoint',
    'https://user:pw@s3.example.com',
    /^Endpoint \(endpoint\): must not hold a user name or password/,
  ],
  ['s3', 'endpoint', 'https://s3.example.com/bucket', /^Endpoint \(endpoint\): must be an origin only/],
  ['s3', 'region', 'us/east-1', /^Region \(region\): may hold only letters, digits, '-' and '_'/],
  ['s3', 'bucket', 'My_Bucket', /^Bucket \(bucket\): not a valid bucket name/],
  ['s3', 'accessKeyId', 'AKIA EXAMPLE', /^Access key ID \(accessKeyId\): must not contain spaces/],
  [
    's3',
    'publicBaseUrl',
    'javascript:alert(1)',
    /^Public base URL \(publicBaseUrl\): must be an http:\/\/ or https:\/\/ URL/,
  ],
  [
    's3',
    'publicBaseUrl',
    'https://cdn.example.com/?v=1',
    /^Public base URL \(publicBaseUrl\): must not have a query/,
  ],
  ['s3', 'maxParts', 'ten', /^Maximum parts per upload \(maxParts\): must be a whole number/],
  ['s3', 'checksumMode', 'crc32', /^Checksum \(checksumMode\): must be one of none, content-md5/],
  ['s3', 'pathStyle', 'yes', /^Path-style addressing \(pathStyle\): must be true or false/],
  [
    'tencent-im',
    'baseUrl',
    'file:///etc/passwd',
    /^API base URL \(baseUrl\): must be an http:\/\/ or https:\/\/ URL/,
  ],
  ['tencent-im', 'sdkAppId', '14000abc', /^SDKAppID \(sdkAppId\): must be a number/],
  ['tencent-im', 'fromAccount', 'ops team', /^From account \(fromAccount\): must not contain spaces/],
  [
    'tencent-im',
    'toAccount',
    ' group-1',
    /^To account or group id \(toAccount\): must not start or end with a space/,
  ],
  ['easemob', 'orgName', '../admin', /^Org name \(orgName\): may hold only letters, digits, '-' and '_'/],
  ['easemob', 'appName', 'app/x', /^App name \(appName\): may hold only letters, digits, '-' and '_'/],
  [
    'easemob',
    'baseUrl',
    'https://a1.easemob.com/#x',
    /^REST API host \(baseUrl\): must not have a #fragment/,
  ],
  ['easemob', 'thumbnailWidth', '-1', /^Thumbnail width \(px\) \(thumbnailWidth\): must be a whole number/],
  [
    'tus',
    'endpoint',
    'https://u:p@tus.example.com/files/',
    /^Creation URL \(endpoint\): must not hold a user name or password/,
  ],
  [
    'tus',
    'authHeaderName',
    'Bad Header',
    /^Auth header name \(authHeaderName\): must be an HTTP header name/,
  ],
  [
    'tus',
    'publicUrlTemplate',
    'https://cdn.example.com/',
    /^Public URL template \(publicUrlTemplate\): must contain \{id\}/,
  ],
  [
    'tus',
    'publicUrlTemplate',
    'ftp://cdn.example.com/{id}',
    /^Public URL template \(publicUrlTemplate\): must be an http:\/\/ or https:\/\/ URL/,
  ],
  [
    'im-file-api',
    'appId',
    'app\r\nX-Injected: 1',
    /^App ID \(app_id\) \(appId\): must not contain invisible or control characters \(U\+000D, U\+000A\)/,
  ],
  [
    'im-file-api',
    'toId',
    'a b',
    /^Recipient ID \(to_id\) or avatar group ID \(toId\): must not contain spaces/,
  ],
  ['im-file-api', 'toType', 'both', /^Recipient type \(toType\): must be one of user, group, 1, 2/],
  [
    'im-file-api',
    'targetKind',
    'banner',
    /^Upload as \(targetKind\): must be one of chat, user-avatar, group-avatar/,
  ],
  [
    'im-file-api',
    'baseUrl',
    'https://im.example.com/api?x=1',
    /^IM server URL \(baseUrl\): must not have a query/,
  ],
  ['oppo-push', 'appKey', 'key:with-colon', /^AppKey \(appKey\): must not contain ':'/],
  [
    'oppo-push',
    'baseUrl',
    'gopher://pushapi-sgp.engagelab.com',
    /^API base URL \(baseUrl\): must be an http:\/\/ or https:\/\/ URL/,
  ],
  ['oppo-push', 'pictures', 'huge', /^Pictures \(pictures\): must be one of both, big, small/],
];

let counter = 0;
async function add(providerId: string, fields: Record<string, string>): Promise<AccountView> {
  return (await service.dispatch('accounts.add', {
    providerId,
    name: `${providerId} ${++counter}`,
    fields,
    secrets: valid[providerId]!.secrets,
  })) as AccountView;
}

describe('settings are checked when an account is saved', () => {
  it.each(refused)(
    '%s %s = %j is refused by accounts.add, naming the setting',
    async (providerId, key, value, message) => {
      await expect(add(providerId, { ...valid[providerId]!.fields, [key]: value })).rejects.toMatchObject({
        view: { code: 'account-invalid', message: expect.stringMatching(message) },
      });
    },
  );

  it.each(refused)(
    '%s %s = %j is refused by accounts.update, and the account keeps its settings',
    async (providerId, key, value, message) => {
      const account = await add(providerId, valid[providerId]!.fields);
      await expect(
        service.dispatch('accounts.update', { id: account.id, fields: { [key]: value } }),
      ).rejects.toMatchObject({ view: { code: 'account-invalid', message: expect.stringMatching(message) } });
      const listed = (await service.dispatch('accounts.list', {})) as AccountView[];
      expect(listed.find((candidate) => candidate.id === account.id)?.fields).toEqual(account.fields);
    },
  );

  it.each([
    ['s3', 'keyPrefix', 'a/b-c_d/'],
    ['s3', 'keyPrefix', '照片/2026/'],
    ['s3', 'keyPrefix', 'img-'],
    ['s3', 'keyPrefix', 'a.b/..c/d../'],
    ['s3', 'endpoint', 'https://minio.example.com:9000'],
    ['s3', 'region', 'oss-cn-hangzhou'],
    ['tus', 'endpoint', 'https://api.example.com/stream?direct_user=true'],
    ['tus', 'publicUrlTemplate', 'https://cdn.example.com/{id}/{name}'],
    ['tencent-im', 'toAccount', '@TGS#2C5SZEAEF'],
    ['easemob', 'orgName', '1112190901181842'],
    ['im-file-api', 'toType', '2'],
    ['oppo-push', 'baseUrl', 'https://pushapi-hk.engagelab.com'],
  ])('still takes %s %s = %j', async (providerId, key, value) => {
    const account = await add(providerId, { ...valid[providerId]!.fields, [key]: value });
    expect(account.fields[key]).toBe(value);
  });
});
