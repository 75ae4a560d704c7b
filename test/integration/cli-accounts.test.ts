import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPicUpEmulator, type PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { AccountView } from '../../shared/models.ts';
import { tempDir } from '../support/temp.ts';

// `ferry accounts test|remove`, run as a child process like test/integration/cli.test.ts.
const cliPath = join(import.meta.dirname, '../../main/cli.ts');

let emulator: PicUpEmulator;
let dataDir: string;
let home: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ferry(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('FERRY_')));
  const child = spawn(process.execPath, [cliPath, ...args, '--data-dir', dataDir], {
    env: { ...base, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function addAccount(name: string, userSig: string): Promise<Run> {
  return ferry(
    [
      'accounts',
      'add',
      'tencent-im',
      '--name',
      name,
      '--field',
      `baseUrl=${emulator.baseUrl}`,
      '--field',
      `sdkAppId=${emulator.credentials.sdkAppId}`,
      '--field',
      `identifier=${emulator.credentials.identifier}`,
      '--field',
      'fromAccount=a',
      '--field',
      'toAccount=b',
    ],
    { FERRY_SECRET_USERSIG: userSig },
  );
}

beforeEach(async () => {
  emulator = await startPicUpEmulator({ storageDir: tempDir('ferry-emulator-') });
  dataDir = tempDir('ferry-cli-data-');
  home = tempDir('ferry-cli-home-');
});

afterEach(async () => {
  await emulator.close();
});

describe('ferry accounts test', () => {
  it('exits 0 for working credentials and 1 with the provider’s reason for wrong ones', async () => {
    expect((await addAccount('good', emulator.credentials.userSig)).code).toBe(0);
    expect((await addAccount('bad', 'a-wrong-user-sig')).code).toBe(0);

    const good = await ferry(['accounts', 'test', 'good']);
    expect(good).toMatchObject({ code: 0, stdout: 'Account "good": connection OK.\n', stderr: '' });

    const bad = await ferry(['accounts', 'test', 'bad']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe(
      'Account "bad": connection test failed (credentials-rejected): ' +
        'Tencent IM refused the credentials (code 70003): UserSig is invalid\n',
    );
    const asJson = await ferry(['accounts', 'test', 'bad', '--json']);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      account: 'bad',
      ok: false,
      error: { code: 'credentials-rejected', providerCode: '70003', providerMessage: 'UserSig is invalid' },
    });
    for (const run of [good, bad, asJson])
      expect(run.stdout + run.stderr).not.toContain(emulator.credentials.userSig);
  });

  it('refuses an unknown account or a missing name with exit code 2', async () => {
    const unknown = await ferry(['accounts', 'test', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown account "nobody"');
    expect(unknown.stderr).toContain('ferry accounts test --help');
    const missing = await ferry(['accounts', 'test']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Give exactly one account name or id');
  });
});

describe('ferry accounts remove', () => {
  it('removes an account by name; the Sandbox cannot be removed', async () => {
    expect((await addAccount('gone', emulator.credentials.userSig)).code).toBe(0);
    const removed = await ferry(['accounts', 'remove', 'gone']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^Removed account "gone" \(id [0-9a-f-]{36}\); its history is kept\.\n$/);
    const listed = JSON.parse((await ferry(['accounts', 'list', '--json'])).stdout) as AccountView[];
    expect(listed.map((a) => a.name)).toEqual(['Sandbox']);

    const sandbox = await ferry(['accounts', 'remove', 'Sandbox']);
    expect(sandbox.code).toBe(1);
    expect(sandbox.stderr).toContain('The Sandbox account is built in');
  });

  it('documents test and remove in the help', async () => {
    const help = await ferry(['accounts', '--help']);
    expect(help.stdout).toContain('ferry accounts test <name|id>');
    expect(help.stdout).toContain('ferry accounts remove <name|id>');
    const removeHelp = await ferry(['accounts', 'remove', '--help']);
    expect(removeHelp.stdout).toContain('Refused while the account');
  });
});
