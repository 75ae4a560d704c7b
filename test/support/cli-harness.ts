import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startPicUpEmulator, type PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { tempDir } from './temp.ts';

const cliPath = join(import.meta.dirname, '../../main/cli.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `ferry` as users run it: a child process on one data folder, with a throwaway home and a Tencent
 * IM emulator the test controls.
 */
export interface CliHarness {
  readonly emulator: PicUpEmulator;
  /** Passed as --data-dir to every run. */
  readonly dataDir: string;
  /** An empty folder for the test's source files. */
  readonly filesDir: string;
  readonly home: string;
  /** Start `ferry <args> --data-dir <dataDir>`; `env` adds to the child's environment. */
  start(args: string[], env?: Record<string, string>): { child: ChildProcess; done: Promise<CliRun> };
  /** Run `ferry <args>` to its end. */
  run(args: string[], env?: Record<string, string>): Promise<CliRun>;
  /** `ferry accounts add tencent-im` for the emulator, the UserSig given through FERRY_SECRET_USERSIG. */
  addTencentAccount(name: string, userSig?: string): Promise<CliRun>;
  /** Kill the runs still going, close the emulator and remove every folder the harness made. */
  close(): Promise<void>;
}

/** `--json` output: one JSON value a line. */
export function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}

/** `--field` arguments of a Tencent IM account on `emulator` (its UserSig goes in FERRY_SECRET_USERSIG). */
export function tencentAccountFields(emulator: PicUpEmulator): string[] {
  return [
    '--field',
    `baseUrl=${emulator.baseUrl}`,
    '--field',
    `sdkAppId=${emulator.credentials.sdkAppId}`,
    '--field',
    `identifier=${emulator.credentials.identifier}`,
    '--field',
    'fromAccount=a',
    '--field',
    'toAccount=b',
  ];
}

export interface CliHarnessOptions {
  /** The `ferry` to run: the sources (main/cli.ts) unless a test names the build (out/cli/ferry.mjs). */
  entry?: string;
}

export async function startCliHarness(options: CliHarnessOptions = {}): Promise<CliHarness> {
  const entry = options.entry ?? cliPath;
  const root = tempDir('ferry-cli-');
  const dataDir = join(root, 'data');
  const filesDir = join(root, 'files');
  const home = join(root, 'home');
  for (const dir of [dataDir, filesDir, home]) mkdirSync(dir);
  let emulator: PicUpEmulator;
  try {
    emulator = await startPicUpEmulator({ storageDir: join(root, 'emulator') });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const children = new Set<ChildProcess>();

  /** The child's environment: no FERRY_* from the developer's shell, and the throwaway home. */
  function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('FERRY_')));
    return { ...env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ...extra };
  }

  function start(args: string[], env: Record<string, string> = {}) {
    // process.execPath: the Node 24 that runs vitest (the system Node may be too old for the CLI).
    const child = spawn(process.execPath, [entry, ...args, '--data-dir', dataDir], {
      env: childEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.end();
    const done = new Promise<CliRun>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => {
        children.delete(child);
        resolve({ code, stdout, stderr });
      });
    });
    return { child, done };
  }

  const run = (args: string[], env: Record<string, string> = {}) => start(args, env).done;

  return {
    emulator,
    dataDir,
    filesDir,
    home,
    start,
    run,
    addTencentAccount(name, userSig = emulator.credentials.userSig) {
      return run(['accounts', 'add', 'tencent-im', '--name', name, ...tencentAccountFields(emulator)], {
        FERRY_SECRET_USERSIG: userSig,
      });
    },
    async close() {
      // Wait for the killed runs to exit: a child still writing would race the folder's removal.
      const exits = [...children].map((child) => new Promise((resolve) => child.once('close', resolve)));
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(exits);
      try {
        await emulator.close();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
