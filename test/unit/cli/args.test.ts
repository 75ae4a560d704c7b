import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from '../../../main/cli/args.ts';

const env = { XDG_CONFIG_HOME: '/cfg' };

function usageError(argv: string[]): UsageError {
  try {
    parseCommand(argv, env);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('parseCommand', () => {
  it('parses an upload with its options and defaults the data folder to the desktop app’s', () => {
    expect(
      parseCommand(['upload', 'a.png', 'b.bin', '--account', 'prod', '--json', '--concurrency', '4'], env),
    ).toEqual({
      kind: 'upload',
      dataDir: process.platform === 'linux' ? '/cfg/Ferry' : expect.any(String),
      paths: ['a.png', 'b.bin'],
      account: 'prod',
      json: true,
      concurrency: 4,
    });
    expect(parseCommand(['upload', 'a', '-a', 'x', '--data-dir', 'rel'], env)).toMatchObject({
      dataDir: resolve('rel'),
      json: false,
    });
  });

  it('turns the processing flags into a settings patch, and refuses a bad value naming it', () => {
    expect(
      parseCommand(
        ['upload', 'a.jpg', '-a', 'x', '--convert', 'webp', '--quality', '80', '--max-size', '1920x1080'],
        env,
      ),
    ).toMatchObject({ processing: { format: 'webp', quality: 80, maxWidth: 1920, maxHeight: 1080 } });
    expect(
      parseCommand(['upload', 'a.jpg', '-a', 'x', '--no-process', '--force', '--strip-metadata', 'all'], env),
    ).toMatchObject({ process: false, force: true, processing: { stripMetadata: 'all' } });
    expect(usageError(['upload', 'a', '-a', 'x', '--convert', 'bmp']).message).toMatch(/format/);
    expect(usageError(['upload', 'a', '-a', 'x', '--max-size', 'big']).message).toMatch(/WxH/);
  });

  it("takes --rename as the run's pattern, and refuses one that does not parse with what is wrong", () => {
    expect(parseCommand(['upload', 'a.jpg', '-a', 'x', '--rename', '{hash:8}.{ext}'], env)).toMatchObject({
      processing: { rename: '{hash:8}.{ext}' },
    });
    expect(usageError(['upload', 'a', '-a', 'x', '--rename', '{date}']).message).toMatch(
      /"\{date\}" is not a placeholder/,
    );
  });

  it('splits repeated --field key=value pairs at the first "=" only', () => {
    expect(
      parseCommand(
        ['accounts', 'add', 'tencent-im', '--name', 'n', '--field', 'a=1', '--field', 'sig=x=y='],
        env,
      ),
    ).toMatchObject({
      kind: 'accounts add',
      providerId: 'tencent-im',
      fields: [
        ['a', '1'],
        ['sig', 'x=y='],
      ],
    });
  });

  it('parses accounts set: one account, at least one --field, an empty value kept (it removes the setting)', () => {
    expect(
      parseCommand(
        ['accounts', 'set', 'prod', '--field', 'process.format=webp', '--field', 'process.rename='],
        env,
      ),
    ).toMatchObject({
      kind: 'accounts set',
      account: 'prod',
      fields: [
        ['process.format', 'webp'],
        ['process.rename', ''],
      ],
    });
    expect(usageError(['accounts', 'set', 'prod']).message).toMatch(/at least one --field/);
    expect(usageError(['accounts', 'set', '--field', 'a=1']).message).toMatch(/exactly one account/);
    expect(usageError(['accounts', 'set', 'prod', '--field', 'novalue']).message).toMatch(/key=value/);
    expect(parseCommand(['accounts', 'set', '--help'], env)).toEqual({ kind: 'help', topic: 'accounts set' });
  });

  it('answers --help for each command and --version', () => {
    expect(parseCommand([], env)).toEqual({ kind: 'help', topic: 'main' });
    expect(parseCommand(['-h'], env)).toEqual({ kind: 'help', topic: 'main' });
    expect(parseCommand(['upload', '--help'], env)).toEqual({ kind: 'help', topic: 'upload' });
    expect(parseCommand(['accounts', 'add', '-h'], env)).toEqual({ kind: 'help', topic: 'accounts add' });
    expect(parseCommand(['history', '--help'], env)).toEqual({ kind: 'help', topic: 'history' });
    expect(parseCommand(['--version'], env)).toEqual({ kind: 'version' });
  });

  it('parses accounts test and remove with one account name', () => {
    expect(parseCommand(['accounts', 'test', 'prod', '--data-dir', '/d'], env)).toEqual({
      kind: 'accounts test',
      dataDir: '/d',
      account: 'prod',
      json: false,
    });
    expect(parseCommand(['accounts', 'remove', 'My IM', '--json', '--data-dir', '/d'], env)).toEqual({
      kind: 'accounts remove',
      dataDir: '/d',
      account: 'My IM',
      json: true,
    });
    expect(parseCommand(['accounts', 'test', '--help'], env)).toEqual({
      kind: 'help',
      topic: 'accounts test',
    });
  });

  it('defaults the history limit and checks numbers', () => {
    expect(parseCommand(['history', '-s', 'cat'], env)).toMatchObject({ search: 'cat', limit: 20 });
    expect(usageError(['history', '--limit', '0']).message).toContain('--limit must be a whole number');
    expect(usageError(['upload', 'f', '-a', 'x', '--concurrency', '2.5']).topic).toBe('upload');
  });

  it('refuses what it cannot run, naming the help topic', () => {
    expect(usageError(['upload', '--account', 'x']).message).toBe('Give at least one file to upload.');
    expect(usageError(['upload', 'f']).message).toBe('--account <name> is required.');
    expect(usageError(['upload', 'f', '-a', 'x', '--bogus']).topic).toBe('upload');
    expect(usageError(['accounts', 'add', 'tencent-im']).message).toBe('--name <name> is required.');
    expect(usageError(['accounts', 'add', 'p', '--name', 'n', '--field', 'novalue']).message).toContain(
      'key=value',
    );
    expect(usageError(['accounts', 'frobnicate']).topic).toBe('accounts');
    expect(usageError(['accounts', 'remove']).topic).toBe('accounts remove');
    expect(usageError(['accounts', 'test', 'a', 'b']).topic).toBe('accounts test');
    expect(usageError(['resume', 'extra']).topic).toBe('resume');
    expect(usageError(['frobnicate']).topic).toBe('main');
  });
});
