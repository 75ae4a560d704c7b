import { defaultSliceSize } from '../../main/providers/tencent-im/slice-plan.ts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { FileResult } from '../../main/cli/format.ts';
import type { AccountView, HistoryEntryView } from '../../shared/models.ts';
import { jsonLines, startCliHarness, type CliHarness } from '../support/cli-harness.ts';
import { randomFile, sha256 } from '../support/temp.ts';

let cli: CliHarness;
let emulator: PicUpEmulator;
let dataDir: string;
let filesDir: string;

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeEach(async () => {
  cli = await startCliHarness();
  ({ emulator, dataDir, filesDir } = cli);
});

afterEach(() => cli.close());

describe('ferry accounts', () => {
  it('adds an account with the secret from FERRY_SECRET_USERSIG and never shows or stores it in clear', async () => {
    const secret = emulator.credentials.userSig;
    const added = await cli.addTencentAccount('t');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Added account "t" \(Tencent Cloud IM\), id [0-9a-f-]{36}\.\n$/);

    const listed = await cli.run(['accounts', 'list']);
    expect(listed.code).toBe(0);
    const row = listed.stdout.split('\n').find((line) => line.startsWith('t '));
    expect(row).toMatch(/^t +tencent-im +[0-9a-f-]{36} +userSig set$/);
    expect(listed.stdout).toMatch(/^Sandbox +tencent-im +sandbox +built in/m);

    const asJson = await cli.run(['accounts', 'list', '--json']);
    const accounts = JSON.parse(asJson.stdout) as AccountView[];
    expect(accounts.find((a) => a.name === 't')).toMatchObject({
      providerId: 'tencent-im',
      fields: { baseUrl: emulator.baseUrl, fromAccount: 'a', toAccount: 'b' },
      secretsSet: { userSig: true },
    });

    for (const run of [added, listed, asJson]) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
    const files = filesUnder(dataDir);
    expect(files.map((f) => f.slice(dataDir.length))).toContain('/ferry.db');
    for (const file of files) {
      expect(readFileSync(file).includes(Buffer.from(secret)), file).toBe(false);
    }
  });

  it('warns about a secret given with --field, without printing it', async () => {
    const secret = emulator.credentials.userSig;
    const run = await cli.run([
      'accounts',
      'add',
      'tencent-im',
      '--name',
      'inline',
      '--field',
      `baseUrl=${emulator.baseUrl}`,
      '--field',
      'sdkAppId=1',
      '--field',
      'identifier=admin',
      '--field',
      `userSig=${secret}`,
      '--field',
      'fromAccount=a',
      '--field',
      'toAccount=b',
    ]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: the secret "userSig" was given on the command line');
    expect(run.stderr).toContain('FERRY_SECRET_USERSIG');
    expect(run.stderr + run.stdout).not.toContain(secret);
  });

  it('refuses a missing secret off a terminal, and a duplicate name, with exit code 2', async () => {
    const missing = await cli.run([
      'accounts',
      'add',
      'tencent-im',
      '--name',
      'x',
      '--field',
      'baseUrl=http://h',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('UserSig (userSig) is required: set FERRY_SECRET_USERSIG');

    expect((await cli.addTencentAccount('t')).code).toBe(0);
    const duplicate = await cli.addTencentAccount('t');
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('An account named "t" exists already.');
  });
});

describe('ferry upload', () => {
  it('uploads two files with --json: one line each, and the links serve the same bytes', async () => {
    expect((await cli.addTencentAccount('t')).code).toBe(0);
    const a = randomFile(filesDir, 'alpha.bin', 3 * 1024 * 1024 + 7);
    const b = randomFile(filesDir, 'beta.txt', 1234);
    const run = await cli.run(['upload', a.path, b.path, '--account', 't', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = jsonLines<FileResult>(run.stdout);
    expect(lines).toHaveLength(2);
    for (const file of [a, b]) {
      const line = lines.find((l) => l.path === file.path);
      expect(line).toMatchObject({ status: 'done', sha256: file.sha256, error: null });
      expect(Object.keys(line!).sort()).toEqual(
        ['error', 'links', 'name', 'path', 'remoteId', 'sha256', 'size', 'status'].sort(),
      );
      expect(line!.remoteId).toMatch(/\S/);
      expect(line!.links[0]!.url.startsWith(emulator.baseUrl)).toBe(true);
      expect(sha256(await download(line!.links[0]!.url))).toBe(file.sha256);
    }
    expect(emulator.stats().completedUploads).toBe(2);
  });

  it('gives a missing path its own failed line and exits 1 while the good file uploads', async () => {
    expect((await cli.addTencentAccount('t')).code).toBe(0);
    const good = randomFile(filesDir, 'good.bin', 5000);
    const missing = join(filesDir, 'missing.png');
    const run = await cli.run(['upload', good.path, missing, '--account', 't', '--json']);
    expect(run.code).toBe(1);
    const lines = jsonLines<FileResult>(run.stdout);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.path === good.path)).toMatchObject({ status: 'done', sha256: good.sha256 });
    expect(lines.find((l) => l.path === missing)).toEqual({
      path: missing,
      status: 'failed',
      name: 'missing.png',
      size: null,
      links: [],
      remoteId: null,
      sha256: null,
      error: { code: 'file-not-found', message: expect.any(String) as string },
    });
  });

  it('starts the Sandbox’s own emulator only for an upload to it, not for `accounts list`', async () => {
    const stateFile = join(dataDir, 'sandbox', 'sandbox-state.json');
    expect((await cli.run(['accounts', 'list'])).code).toBe(0);
    expect(filesUnder(dataDir).filter((path) => path.includes('/sandbox/'))).toEqual([]);

    const file = randomFile(filesDir, 'to-sandbox.bin', 70_000);
    const run = await cli.run(['upload', file.path, '--account', 'Sandbox', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [line] = jsonLines<FileResult>(run.stdout);
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { tencentIm: { port: number } };
    expect(line).toMatchObject({ status: 'done', sha256: file.sha256 });
    expect(line!.links[0]!.url.startsWith(`http://127.0.0.1:${state.tencentIm.port}/`)).toBe(true);
  });

  it('refuses an unknown account with exit code 2 and a clear message', async () => {
    const file = randomFile(filesDir, 'x.bin', 10);
    const run = await cli.run(['upload', file.path, '--account', 'nope', '--json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Unknown account "nope"');
    expect(run.stderr).toContain('"Sandbox"');
    expect(emulator.stats().requests).toBe(0);
  });

  it('prints one plain line per finished file when stdout is not a terminal', async () => {
    expect((await cli.addTencentAccount('t')).code).toBe(0);
    const file = randomFile(filesDir, 'plain.txt', 2048);
    const missing = join(filesDir, 'gone.txt');
    const run = await cli.run(['upload', file.path, missing, '--account', 't']);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('\x1b'); // no cursor movement, no bars
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(`^done +plain\\.txt \\(2\\.0 KiB\\) +${emulator.baseUrl}/download/\\S+$`),
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^failed +gone\.txt +.*\[file-not-found\]$/));
    expect(run.stderr).toContain('1 uploaded, 1 failed');
  });
});

describe('ferry history', () => {
  it('finds an upload by --search; lists newest first, as JSON and as plain lines', async () => {
    expect((await cli.addTencentAccount('t')).code).toBe(0);
    const a = randomFile(filesDir, 'report-2026.pdf', 100);
    const b = randomFile(filesDir, 'holiday.png', 200);
    expect((await cli.run(['upload', a.path, b.path, '--account', 't', '--json'])).code).toBe(0);

    const found = await cli.run(['history', '--search', 'report', '--json']);
    expect(found.code).toBe(0);
    const entries = jsonLines<HistoryEntryView>(found.stdout);
    expect(entries.map((e) => e.name)).toEqual(['report-2026.pdf']);
    expect(entries[0]!.sha256).toBe(a.sha256);

    const all = jsonLines<HistoryEntryView>((await cli.run(['history', '--json'])).stdout);
    expect(all.map((e) => e.createdAt)).toEqual(all.map((e) => e.createdAt).sort((x, y) => y - x));
    expect((await cli.run(['history', '--json', '--limit', '1'])).stdout.trim().split('\n')).toHaveLength(1);

    const plain = await cli.run(['history']);
    const lines = plain.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatch(
        /^\d{4}-\d\d-\d\d \d\d:\d\d {2}\S+ {2}\d+ B {2}http:\/\/127\.0\.0\.1:\d+\/download\//,
      );
    }

    const none = await cli.run(['history', '--search', 'nothing-like-this']);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Nothing matches');
  });
});

describe('ferry resume', () => {
  it('finishes an upload whose process was SIGKILLed mid-file, from where it stopped', async () => {
    expect((await cli.addTencentAccount('t')).code).toBe(0);
    const size = 30 * defaultSliceSize;
    const file = randomFile(filesDir, 'big.bin', size);
    // Three slices go through; the fourth is held by the server, so the kill lands mid-file for sure.
    for (let i = 0; i < 3; i++) emulator.injectFault({ kind: 'stall', ms: 0 });
    emulator.injectFault({ kind: 'stall', ms: 120_000 });
    const { child, done } = cli.start(['upload', file.path, '--account', 't', '--json']);
    await waitFor(() => emulator.stats().requests >= 4);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.code).toBe(null);
    expect(killed.stdout).toBe('');
    expect(emulator.stats().completedUploads).toBe(0);
    const sentBeforeKill = emulator.stats().sliceBytesReceived;
    expect(sentBeforeKill).toBe(3 * defaultSliceSize);

    const resumed = await cli.run(['resume', '--json']);
    expect(resumed.code).toBe(0);
    const [line, ...more] = jsonLines<FileResult>(resumed.stdout);
    expect(more).toEqual([]);
    expect(line).toMatchObject({ path: file.path, status: 'done', sha256: file.sha256, size });
    expect(sha256(await download(line!.links[0]!.url))).toBe(file.sha256);
    // Continued, not restarted: the slices acknowledged before the kill were not sent again.
    expect(emulator.stats().sliceBytesReceived).toBe(size);
    expect(emulator.stats().completedUploads).toBe(1);

    const again = await cli.run(['resume']);
    expect(again).toMatchObject({ code: 0, stdout: 'Nothing to resume.\n' });
  });
});

describe('ferry upload, interrupted', () => {
  it('stops cleanly on SIGINT with exit code 130, keeping the upload for `ferry resume`', async () => {
    expect((await cli.addTencentAccount('t')).code).toBe(0);
    const file = randomFile(filesDir, 'interrupted.bin', 4 * defaultSliceSize);
    emulator.injectFault({ kind: 'stall', ms: 0 });
    emulator.injectFault({ kind: 'stall', ms: 120_000 });
    const { child, done } = cli.start(['upload', file.path, '--account', 't']);
    await waitFor(() => emulator.stats().requests >= 2);
    child.kill('SIGINT');
    const interrupted = await done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stdout).toBe('');
    expect(interrupted.stderr).toContain('Interrupted. 1 unfinished upload(s) kept');

    const resumed = await cli.run(['resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^done +interrupted\.bin \(16\.0 MiB\) +http/);
    expect(resumed.stderr).toContain('Resuming 1 unfinished upload(s).');
    expect(emulator.stats().completedUploads).toBe(1);
  });
});

describe('ferry --help and --version', () => {
  it('documents the secret environment variables and the Sandbox caveat', async () => {
    const help = await cli.run(['accounts', 'add', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/userSig +UserSig \(secret; env FERRY_SECRET_USERSIG, required\)/);
    const main = await cli.run(['--help']);
    expect(main.stdout).toContain('links only work while a Ferry process');
    const version = await cli.run(['--version']);
    expect(version.stdout).toMatch(/^ferry \d+\.\d+\.\d+\n$/);
    const bad = await cli.run(['upload', '--account', 't']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Give at least one file to upload.');
  });
});
