import { test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { tempDir } from '../support/temp.ts';

export interface RunningWebShell {
  url: string;
  origin: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Start the real web shell entry (what `npm run web` runs after building) as its own process, and
 * read the URL it prints. Without `dataDir` it gets a throwaway data folder that stop() removes; a
 * given one is the caller's to remove.
 */
export async function startWebShellProcess(dataDir?: string): Promise<RunningWebShell> {
  return startShellEntry('main/web/start.ts', dataDir, (dir) => ['--port', '0', '--data-dir', dir]);
}

/**
 * One web shell for the tests of this spec file: started before the first, stopped after the last.
 * What it returns reads the running shell, so a test writes `shell.url` as with its own.
 */
export function webShellForThisFile(): Pick<RunningWebShell, 'url' | 'origin'> {
  let running: RunningWebShell | undefined;
  test.beforeAll(async () => {
    running = await startWebShellProcess();
  });
  test.afterAll(async () => {
    await running?.stop();
  });
  const current = (): RunningWebShell => {
    if (running === undefined) throw new Error('The web shell starts in beforeAll: read it inside a test.');
    return running;
  };
  return {
    get url() {
      return current().url;
    },
    get origin() {
      return current().origin;
    },
  };
}

export interface ThrottledShellOptions {
  /** What every upload together may send to the sandbox per second; 0 = no limit. */
  bytesPerSecond: number;
  concurrency?: number;
  /** The sandbox refuses the first upload with this provider message (then behaves). */
  rejectFirst?: string;
}

/**
 * The web shell over a sandbox the test controls (test/e2e-shell/throttled-web-shell.ts): uploads
 * slow enough that pausing, resuming and cancelling them can be observed. Its data folder is a
 * throwaway one that stop() removes.
 */
export async function startThrottledWebShell(options: ThrottledShellOptions): Promise<RunningWebShell> {
  return startShellEntry('test/e2e-shell/throttled-web-shell.ts', undefined, (dir) => [
    '--data-dir',
    dir,
    '--bytes-per-second',
    String(options.bytesPerSecond),
    ...(options.concurrency === undefined ? [] : ['--concurrency', String(options.concurrency)]),
    ...(options.rejectFirst === undefined ? [] : ['--reject-first', options.rejectFirst]),
  ]);
}

async function startShellEntry(
  entry: string,
  givenDataDir: string | undefined,
  argsFor: (dataDir: string) => string[],
): Promise<RunningWebShell> {
  const dataDir = givenDataDir ?? tempDir('ferry-e2e-');
  const removeOwnDataDir = () => {
    if (givenDataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
  };
  const root = resolve(import.meta.dirname, '../..');
  const child = spawn(process.execPath, [resolve(root, entry), ...argsFor(dataDir)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let url: string;
  try {
    url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error(`web shell did not start:\n${output}`)), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Open (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolveUrl(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`web shell exited with ${code}:\n${output}`)));
    });
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    removeOwnDataDir();
    throw error;
  }
  return {
    url,
    origin: new URL(url).origin,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      removeOwnDataDir();
    },
  };
}
