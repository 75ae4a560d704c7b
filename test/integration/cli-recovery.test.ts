import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCliHarness, type CliHarness } from '../support/cli-harness.ts';

// A damaged database met by `ferry` as a child process: what it says on stderr, and its exit code.

let cli: CliHarness;
let dataDir: string;

beforeEach(async () => {
  cli = await startCliHarness();
  ({ dataDir } = cli);
});

afterEach(() => cli.close());

/** Overwrite the file's first bytes: SQLite then calls it "file is not a database". */
function overwriteHeader(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(100, 0x42), 0, 100, 0);
  } finally {
    closeSync(fd);
  }
}

/** Garbage over every page but the first, as a failing disk leaves it. */
function scribbleOverPages(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  try {
    const garbage = Buffer.alloc(4096, 0xa5);
    for (let offset = 4096; offset < size; offset += 4096) writeSync(fd, garbage, 0, garbage.length, offset);
  } finally {
    closeSync(fd);
  }
}

function quotedPath(stderr: string, pattern: RegExp): string {
  const match = pattern.exec(stderr);
  expect(match, stderr).not.toBeNull();
  return match![1]!;
}

describe('ferry on a damaged database', () => {
  it('with no backup: says the accounts and history are gone, where the damaged copy is, and exits 3 once', async () => {
    expect((await cli.addTencentAccount('t')).code).toBe(0);
    rmSync(join(dataDir, 'backups'), { recursive: true, force: true });
    overwriteHeader(join(dataDir, 'ferry.db'));

    const run = await cli.run(['accounts', 'list']);
    expect(run.stderr).toMatch(/^ferry: Ferry's database was damaged \(file is not a database\)/);
    expect(run.stderr).toContain('no usable backup');
    expect(run.stderr).toContain('accounts, settings and the upload history are gone');
    const damaged = quotedPath(run.stderr, /damaged file is kept at "([^"]+ferry\.db\.corrupt-[^"]+)"/);
    expect(existsSync(damaged)).toBe(true);
    expect(damaged.startsWith(dataDir)).toBe(true);
    // The command still ran (on the empty database), but the exit code says something was lost.
    expect(run.stdout).toMatch(/^Sandbox /m);
    expect(run.stdout).not.toMatch(/^t /m);
    expect(run.code).toBe(3);

    // Said once: the next command runs on the fresh database as usual.
    const next = await cli.run(['accounts', 'list']);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
  });

  it('with a backup: says it was restored from which backup, keeps the account, and exits 3 once', async () => {
    expect((await cli.addTencentAccount('t')).code).toBe(0);
    // This run's start-up backup holds the account.
    expect((await cli.run(['history'])).code).toBe(0);
    const backups = readdirSync(join(dataDir, 'backups')).filter((name) => name.endsWith('.db'));
    expect(backups.length).toBeGreaterThan(0);
    scribbleOverPages(join(dataDir, 'ferry.db'));

    const run = await cli.run(['accounts', 'list', '--json']);
    expect(run.stderr).toMatch(/^ferry: Ferry's database was damaged \(/);
    expect(run.stderr).toContain('restored from the backup');
    const backup = quotedPath(run.stderr, /restored from the backup "([^"]+\.db)"/);
    expect(backups).toContain(backup.slice(join(dataDir, 'backups').length + 1));
    const damaged = quotedPath(run.stderr, /damaged file is kept at "([^"]+ferry\.db\.corrupt-[^"]+)"/);
    expect(existsSync(damaged)).toBe(true);
    // stdout stays pure JSON for scripts; the account came back with the backup.
    expect((JSON.parse(run.stdout) as Array<{ name: string }>).map((a) => a.name)).toContain('t');
    expect(run.code).toBe(3);

    const next = await cli.run(['accounts', 'list']);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
  });
});
