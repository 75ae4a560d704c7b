import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/models.ts';
import { startCliHarness, type CliHarness } from '../support/cli-harness.ts';

// `ferry accounts add` refuses what the service refuses, naming the field on stderr (exit 2: the
// command line can be fixed), and names other accounts by name or id like every other command.
let cli: CliHarness;

beforeEach(async () => {
  cli = await startCliHarness();
});

afterEach(() => cli.close());

async function accounts(): Promise<AccountView[]> {
  return JSON.parse((await cli.run(['accounts', 'list', '--json'])).stdout) as AccountView[];
}

describe('ferry accounts add checks the settings', () => {
  it('refuses keyPrefix=../x/ with exit 2 and the field named on stderr; nothing is saved', async () => {
    const run = await cli.run(
      [
        'accounts',
        'add',
        's3',
        '--name',
        'climbing',
        '--field',
        'endpoint=https://s3.example.com',
        '--field',
        'bucket=my-bucket',
        '--field',
        'accessKeyId=AKIAEXAMPLE',
        '--field',
        'keyPrefix=../x/',
      ],
      { FERRY_SECRET_SECRETACCESSKEY: 'secret' },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Key prefix (keyPrefix): must not contain '..' segments");
    expect(run.stdout).toBe('');
    expect((await accounts()).map((account) => account.name)).toEqual(['Sandbox']);
  });
});

describe('ferry accounts add oppo-push --field storageAccountId=…', () => {
  const pushAccount = (name: string, storage: string) =>
    cli.run(
      [
        'accounts',
        'add',
        'oppo-push',
        '--name',
        name,
        '--field',
        'appKey=c96f42e0d2e662e45d035ab1',
        '--field',
        `storageAccountId=${storage}`,
        '--json',
      ],
      { FERRY_SECRET_MASTERSECRET: 'secret' },
    );

  it('saves the storage account named by name as its id, and refuses unknown or private ones', async () => {
    expect((await cli.addTencentAccount('Public pictures')).code).toBe(0);
    const imFiles = await cli.run(
      [
        'accounts',
        'add',
        'im-file-api',
        '--name',
        'IM files',
        '--field',
        'baseUrl=https://im.example.com/api',
        '--field',
        'appId=app-1',
        '--field',
        'toId=alice',
      ],
      { FERRY_SECRET_ACCESSTOKEN: 'token' },
    );
    expect(imFiles.code).toBe(0);
    const storage = (await accounts()).find((account) => account.name === 'Public pictures')!;

    const byName = await pushAccount('push', 'Public pictures');
    expect(byName.code).toBe(0);
    expect((JSON.parse(byName.stdout) as AccountView).fields['storageAccountId']).toBe(storage.id);

    const unknown = await pushAccount('push 2', 'nobody');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'Storage account (storageAccountId): no account named or with the id "nobody"',
    );

    const private_ = await pushAccount('push 3', 'IM files');
    expect(private_.code).toBe(2);
    expect(private_.stderr).toMatch(
      /Storage account \(storageAccountId\): "IM files" .* gives no public links/,
    );
    expect((await accounts()).map((account) => account.name)).toEqual([
      'Sandbox',
      'Public pictures',
      'IM files',
      'push',
    ]);
  });
});
