import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../../shared/models.ts';
import { startCliHarness, tencentAccountFields, type CliHarness } from '../support/cli-harness.ts';

// `ferry accounts add|set` with processing fields, then `ferry upload` with what they set; child processes.
let cli: CliHarness;

beforeEach(async () => {
  cli = await startCliHarness();
});

afterEach(() => cli.close());

async function photo(name: string): Promise<string> {
  const path = join(cli.filesDir, name);
  await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3a6' } })
    .jpeg()
    .toFile(path);
  return path;
}

async function uploadOne(path: string, account: string): Promise<{ name: string; size: number }> {
  const run = await cli.run(['upload', path, '--account', account, '--json', '--force']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as { name: string; size: number };
}

describe('ferry accounts add/set with processing fields', () => {
  it('add takes them; set changes them, an empty value goes back to the default; uploads follow', async () => {
    const added = await cli.run(
      [
        'accounts',
        'add',
        'tencent-im',
        '--name',
        'pics',
        ...tencentAccountFields(cli.emulator),
        '--field',
        'process.format=webp',
      ],
      { FERRY_SECRET_USERSIG: cli.emulator.credentials.userSig },
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const first = await uploadOne(await photo('one.jpg'), 'pics');
    expect(first.name).toBe('one.webp');

    const set = await cli.run([
      'accounts',
      'set',
      'pics',
      '--field',
      'process.format=png',
      '--field',
      'process.maxSize=300x300',
    ]);
    expect(set).toMatchObject({
      code: 0,
      stdout: 'Updated account "pics": process.format, process.maxSize.\n',
    });
    const listed = JSON.parse((await cli.run(['accounts', 'list', '--json'])).stdout) as AccountView[];
    expect(listed.find((account) => account.name === 'pics')!.fields).toMatchObject({
      'process.format': 'png',
      'process.maxSize': '300x300',
    });
    const second = await uploadOne(await photo('two.jpg'), 'pics');
    expect(second.name).toBe('two.png');

    const cleared = await cli.run(['accounts', 'set', 'pics', '--field', 'process.format=']);
    expect(cleared.code).toBe(0);
    const third = await uploadOne(await photo('three.jpg'), 'pics');
    expect(third.name).toBe('three.jpg'); // the default: keep the format
  }, 60_000);

  it('refuses a bad value, an unknown field or no field with exit code 2, and changes nothing', async () => {
    expect((await cli.addTencentAccount('pics')).code).toBe(0);
    const badFormat = await cli.run(['accounts', 'set', 'pics', '--field', 'process.format=bmp']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/Processing setting "format"/);
    const badPattern = await cli.run(['accounts', 'set', 'pics', '--field', 'process.rename={when}.{ext}']);
    expect(badPattern.code).toBe(2);
    expect(badPattern.stderr).toMatch(/"\{when\}" is not a placeholder/);
    const unknown = await cli.run(['accounts', 'set', 'pics', '--field', 'process.colour=red']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/"process.colour" is not a processing setting/);
    const none = await cli.run(['accounts', 'set', 'pics']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Give at least one --field key=value.');
    const listed = JSON.parse((await cli.run(['accounts', 'list', '--json'])).stdout) as AccountView[];
    expect(Object.keys(listed.find((account) => account.name === 'pics')!.fields)).not.toContain(
      'process.format',
    );
  }, 60_000);
});
