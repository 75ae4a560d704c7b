import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { tempDir } from './temp.ts';

const startScript = join(import.meta.dirname, '../../main/web/start.ts');
const gcPreload = join(import.meta.dirname, 'gc-on-signal.ts');

/**
 * `npm run web` (its start script and V8 flags) in a child process, so that a client able to crash the web shell shows up as the
 * child exiting rather than as the test runner dying.
 */
export interface WebShellChild {
  readonly child: ChildProcess;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
  /** Set once the child has exited: its code and signal. */
  readonly exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** What the child wrote to stderr so far (a crash's stack lands here). */
  stderr(): string;
  /** The service's log lines so far (it writes them synchronously). */
  logLines(): Array<Record<string, unknown>>;
  /** Resident memory (VmRSS) and open file descriptors, read from /proc. */
  usage(): { rssBytes: number; openFds: number };
  /** A full garbage collection in the child (test/support/gc-on-signal.ts); resolves with its memoryUsage() after it. */
  collectGarbage(): Promise<NodeJS.MemoryUsage>;
  /** SIGTERM (the shell closes its service), SIGKILL after 5 s. */
  close(): Promise<void>;
}

/** A renderer folder: index.html, plus `broken.js`, a file that stats as a regular file but cannot be read. */
export function rendererWithBrokenFile(): string {
  const dir = tempDir('ferry-renderer-');
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Ferry</title>');
  // /proc/self/mem is a regular file of size 0 whose first read fails with EIO.
  symlinkSync('/proc/self/mem', join(dir, 'broken.js'));
  return dir;
}

export async function startWebShellChild(options: { rendererDir?: string } = {}): Promise<WebShellChild> {
  const dataDir = tempDir('ferry-web-shell-');
  const rendererDir = options.rendererDir ?? rendererWithBrokenFile();
  const heapFile = join(tempDir('ferry-heap-'), 'heap.jsonl');
  const child = spawn(
    process.execPath,
    [
      '--max-semi-space-size=16',
      '--expose-gc',
      '--import',
      gcPreload,
      startScript,
      '--data-dir',
      dataDir,
      '--renderer-dir',
      rendererDir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FERRY_TEST_HEAP_FILE: heapFile } },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let exit: WebShellChild['exit'];
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );

  const lines = createInterface({ input: child.stdout! });
  const opened = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('Open ')) resolve(line.slice('Open '.length));
    });
    void exited.then(() => reject(new Error(`the web shell exited before listening:\n${stderr}`)));
  });
  const url = new URL(await opened);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';

  return {
    child,
    origin: url.origin,
    port: Number(url.port),
    token,
    dataDir,
    get exit() {
      return exit;
    },
    stderr: () => stderr,
    logLines() {
      const dir = join(dataDir, 'logs');
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((name) => name.endsWith('.log'))
        .sort()
        .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'))
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    usage() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const rssKiB = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
      return { rssBytes: rssKiB * 1024, openFds: readdirSync(`/proc/${child.pid}/fd`).length };
    },
    async collectGarbage() {
      const reports = (): string[] =>
        existsSync(heapFile) ? readFileSync(heapFile, 'utf8').split('\n').filter(Boolean) : [];
      const known = reports().length;
      child.kill('SIGUSR2');
      for (let waited = 0; reports().length === known; waited += 50) {
        if (waited > 5000) throw new Error('the child did not report its heap after SIGUSR2');
        await delay(50);
      }
      return JSON.parse(reports().at(-1)!) as NodeJS.MemoryUsage;
    },
    async close() {
      if (exit) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves when the child exits, or after `ms` (whichever first); true if it exited. */
export async function exitsWithin(shell: WebShellChild, ms: number): Promise<boolean> {
  if (shell.exit) return true;
  const timeout = delay(ms).then(() => false);
  return Promise.race([once(shell.child, 'exit').then(() => true), timeout]);
}
