import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCliHarness, type CliHarness } from '../support/cli-harness.ts';

// The CLI's human output shows a name's hidden characters as escapes; --json keeps the name as it is.
let cli: CliHarness;

beforeEach(async () => {
  cli = await startCliHarness();
});

afterEach(() => cli.close());

describe('names in the CLI’s human output', () => {
  it('ferry upload and ferry history print a right-to-left override as \\u202E', async () => {
    const name = 'photo\u202Egnp.exe';
    const path = join(cli.filesDir, name);
    writeFileSync(path, 'not really a picture\n'.repeat(100));

    const upload = await cli.run(['upload', path, '--account', 'Sandbox']);
    expect(upload.code).toBe(0);
    expect(upload.stdout).toContain('done      photo\\u202Egnp.exe (');
    expect(upload.stdout).not.toContain('\u202E');

    const history = await cli.run(['history']);
    expect(history.stdout).toContain('  photo\\u202Egnp.exe  ');
    expect(history.stdout).not.toContain('\u202E');
    const asJson = await cli.run(['history', '--json']);
    expect((JSON.parse(asJson.stdout.split('\n')[0]!) as { name: string }).name).toBe(name);
  });
});
