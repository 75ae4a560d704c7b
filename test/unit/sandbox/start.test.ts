import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { emulatorKeys } from '../../../main/sandbox/sandbox.ts';
import { parseStartArgs } from '../../../main/sandbox/start.ts';

// The script relies on Node 24's type stripping, whatever Node runs the test runner.
const node = fileURLToPath(new URL('../../../node_modules/.bin/node', import.meta.url));
const script = fileURLToPath(new URL('../../../main/sandbox/start.ts', import.meta.url));

const toRemove: string[] = [];

afterEach(async () => {
  for (const dir of toRemove.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('parseStartArgs', () => {
  it('reads --data-dir and --port', () => {
    expect(parseStartArgs(['--data-dir', '/tmp/x', '--port', '4100'])).toEqual({
      dataDir: '/tmp/x',
      port: 4100,
    });
    expect(parseStartArgs([])).toEqual({});
  });

  it.each([['--port', 'abc'], ['--port', '70000'], ['--bogus'], ['positional']])('rejects %j', (...argv) => {
    expect(() => parseStartArgs(argv)).toThrow(/usage/);
  });
});

describe('start script', () => {
  it('prints one JSON line of endpoints, serves, and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ferry-sandbox-start-'));
    toRemove.push(dataDir);
    const child = spawn(node, [script, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const lines = createInterface({ input: child.stdout });
      const [line] = (await once(lines, 'line')) as [string];
      const endpoints = JSON.parse(line) as { tencentIm: Record<string, string> };
      expect(Object.keys(endpoints)).toEqual([...emulatorKeys]);
      expect(Object.keys(endpoints.tencentIm).sort()).toEqual([
        'baseUrl',
        'identifier',
        'sdkAppId',
        'userSig',
      ]);
      const response = await fetch(
        `${endpoints.tencentIm.baseUrl}/download/00000000-0000-4000-8000-000000000000`,
      );
      expect(response.status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 20_000);

  it('logs an exception no request handler could catch and goes on serving (the last resort)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ferry-sandbox-start-'));
    toRemove.push(dataDir);
    // Stands in for a third-party server throwing from a timer or a stream callback: on SIGUSR2, one
    // uncaught exception and one unhandled rejection, outside any request.
    const plant =
      "process.on('SIGUSR2', () => { setImmediate(() => { throw new Error('planted exception'); }); " +
      "void Promise.reject(new Error('planted rejection')); });";
    const child = spawn(
      node,
      ['--import', `data:text/javascript,${encodeURIComponent(plant)}`, script, '--data-dir', dataDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', (code) => {
        exitCode = code;
        resolve();
      }),
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const endpoints = JSON.parse(line) as { tencentIm: { baseUrl: string } };
      child.kill('SIGUSR2');
      for (let waited = 0; waited < 5000 && !stderr.includes('planted rejection'); waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(exitCode, stderr).toBeUndefined();
      expect(stderr).toMatch(/uncaught exception.*still serving[^]*planted exception/);
      expect(stderr).toMatch(/unhandled rejection.*still serving[^]*planted rejection/);
      const response = await fetch(
        `${endpoints.tencentIm.baseUrl}/download/00000000-0000-4000-8000-000000000000`,
      );
      expect(response.status).toBe(404);
    } finally {
      child.kill('SIGTERM');
    }
    await exited;
  }, 20_000);
});
