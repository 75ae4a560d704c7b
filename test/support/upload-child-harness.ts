// Shared by the crash test and the benchmark: a Ferry service in a child process (upload-child.ts)
// that can be SIGKILLed while the emulator, in this process, keeps counting bytes.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import type { ProbeReading } from './process-probe.ts';

export { prng } from './prng.ts';

const childScript = resolve(import.meta.dirname, 'upload-child.ts');

export interface ChildEndpoint {
  baseUrl: string;
  credentials: { sdkAppId: string; identifier: string; userSig: string };
}

export interface ChildOptions {
  concurrency?: number;
  /** Node/V8 flags for the child, e.g. the young-generation cap `npm run web` and `npm run ferry` use. */
  nodeFlags?: string[];
  /** Upload to this account (added on the child's first run) instead of the built-in Sandbox one. */
  account?: {
    providerId: string;
    name: string;
    fields: Record<string, string>;
    secrets: Record<string, string>;
  };
}

/** What upload-child.ts prints when its service is idle. */
export interface ChildResult extends ProbeReading {
  entries: HistoryEntryView[];
  unfinished: TaskView[];
  /** From the uploads.add call to idle: what the user waits for (hashing included). */
  uploadMs: number;
  /** CPU time (user + system) over the same span as uploadMs. */
  uploadCpuMs: number;
}

/** A file of non-repeating bytes, written in 1 MiB blocks without holding it in memory; returns its SHA-256. */
export async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  for (let written = 0; written < size; written += 1024 * 1024) {
    const block = randomBytes(Math.min(1024 * 1024, size - written));
    hash.update(block);
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

export function startUploadChild(
  endpoint: ChildEndpoint,
  dataDir: string,
  paths: string[],
  options: ChildOptions = {},
): { child: ChildProcess; output: Promise<string> } {
  const args = [childScript, '--data-dir', dataDir, '--endpoint', JSON.stringify(endpoint)];
  if (options.concurrency !== undefined) args.push('--concurrency', String(options.concurrency));
  if (options.account !== undefined) args.push('--account', JSON.stringify(options.account));
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...args, ...paths], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const output = once(child, 'exit').then(([code, signal]) => {
    if (code !== 0 && signal !== 'SIGKILL') throw new Error(`child exited ${code} ${signal}:\n${stderr}`);
    return stdout;
  });
  return { child, output };
}

/** Run a child to completion and parse what it printed. */
export async function runUploadChild(
  endpoint: ChildEndpoint,
  dataDir: string,
  paths: string[],
  options: ChildOptions = {},
): Promise<ChildResult> {
  const { output } = startUploadChild(endpoint, dataDir, paths, options);
  return JSON.parse(await output) as ChildResult;
}

export async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}
