import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { AccountView } from '../../shared/models.ts';
import { startCliHarness, type CliHarness } from '../support/cli-harness.ts';

// `ferry accounts test|remove`, run as a child process like test/integration/cli.test.ts.
let cli: CliHarness;
let emulator: PicUpEmulator;

beforeEach(async () => {
  cli = await startCliHarness();
  ({ emulator } = cli);
});

afterEach(() => cli.close());

describe('ferry accounts test', () => {
  it('exits 0 for working credentials and 1 with the provider’s reason for wrong ones', async () => {
    expect((await cli.addTencentAccount('good', emulator.credentials.userSig)).code).toBe(0);
    expect((await cli.addTencentAccount('bad', 'a-wrong-user-sig')).code).toBe(0);

    const good = await cli.run(['accounts', 'test', 'good']);
    expect(good).toMatchObject({ code: 0, stdout: 'Account "good": connection OK.\n', stderr: '' });

    const bad = await cli.run(['accounts', 'test', 'bad']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe(
      'Account "bad": connection test failed (credentials-rejected): ' +
        'Tencent IM refused the credentials (code 70003): UserSig is invalid\n',
    );
    const asJson = await cli.run(['accounts', 'test', 'bad', '--json']);
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
    const unknown = await cli.run(['accounts', 'test', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown account "nobody"');
    expect(unknown.stderr).toContain('ferry accounts test --help');
    const missing = await cli.run(['accounts', 'test']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Give exactly one account name or id');
  });
});

describe('ferry accounts remove', () => {
  it('removes an account by name; the Sandbox cannot be removed', async () => {
    expect((await cli.addTencentAccount('gone', emulator.credentials.userSig)).code).toBe(0);
    const removed = await cli.run(['accounts', 'remove', 'gone']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^Removed account "gone" \(id [0-9a-f-]{36}\); its history is kept\.\n$/);
    const listed = JSON.parse((await cli.run(['accounts', 'list', '--json'])).stdout) as AccountView[];
    expect(listed.map((a) => a.name)).toEqual(['Sandbox']);

    const sandbox = await cli.run(['accounts', 'remove', 'Sandbox']);
    expect(sandbox.code).toBe(1);
    expect(sandbox.stderr).toContain('The Sandbox account is built in');
  });

  it('documents test and remove in the help', async () => {
    const help = await cli.run(['accounts', '--help']);
    expect(help.stdout).toContain('ferry accounts test <name|id>');
    expect(help.stdout).toContain('ferry accounts remove <name|id>');
    const removeHelp = await cli.run(['accounts', 'remove', '--help']);
    expect(removeHelp.stdout).toContain('Refused while the account');
  });
});
