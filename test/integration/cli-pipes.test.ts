import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliHarness, type CliHarness } from '../support/cli-harness.ts';

// `ferry … | head -c 700`: a reader that goes away must end the command quietly (exit 0, nothing on
// stderr), as with any Unix tool, instead of a `write EPIPE` stack trace.

let cli: CliHarness;
const entries = 150;

beforeAll(async () => {
  cli = await startCliHarness();
  expect((await cli.addTencentAccount('t')).code).toBe(0);
  // Enough history (about 90 KB of JSON lines) to overflow the pipe's 64 KiB buffer.
  const paths = Array.from({ length: entries }, (_, index) => {
    const path = join(cli.filesDir, `${String(index).padStart(3, '0')}-${'long-name-'.repeat(12)}.txt`);
    writeFileSync(path, `file ${index}`);
    return path;
  });
  const uploaded = await cli.run(['upload', '--account', 't', '--json', ...paths]);
  expect(uploaded.code).toBe(0);
}, 60_000);

afterAll(() => cli.close());

/** Run `ferry <args>` with its stdout closed by the reader after `keepBytes` (0: before anything is written). */
async function runIntoClosingReader(args: string[], keepBytes: number) {
  const { child, done } = cli.start(args);
  let read = 0;
  if (keepBytes === 0) child.stdout!.destroy();
  else
    child.stdout!.on('data', (chunk: string) => {
      read += Buffer.byteLength(chunk);
      if (read >= keepBytes) child.stdout!.destroy();
    });
  return { ...(await done), read };
}

describe('ferry writing into a pipe whose reader goes away', () => {
  it('history --json | head -c 700: exit 0, nothing on stderr', async () => {
    const run = await runIntoClosingReader(['history', '--json', '--limit', String(entries)], 700);
    expect(run.read).toBeGreaterThanOrEqual(700);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('history into a reader closed before the first line: exit 0, nothing on stderr', async () => {
    const run = await runIntoClosingReader(['history', '--limit', String(entries)], 0);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it.each([[['accounts', 'list']], [['accounts', 'list', '--json']]])(
    '%j into a closed reader: exit 0, nothing on stderr',
    async (args) => {
      const run = await runIntoClosingReader(args, 0);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    },
  );

  it('upload --json into a closed reader ends quietly; what it did not finish stays for `ferry resume`', async () => {
    const paths = Array.from({ length: 5 }, (_, index) => {
      const path = join(cli.filesDir, `piped-${index}.txt`);
      writeFileSync(path, `piped ${index}`);
      return path;
    });
    const run = await runIntoClosingReader(['upload', '--account', 't', '--json', ...paths], 0);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Nothing is lost: resume finishes whatever the ended command left, and then all five are uploaded.
    const resumed = await cli.run(['resume', '--json']);
    expect(resumed.code).toBe(0);
    const listed = await cli.run(['history', '--json', '--search', 'piped-']);
    expect(listed.stdout.trim().split('\n')).toHaveLength(5);
  });
});
