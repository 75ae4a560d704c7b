import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { tempDir } from '../support/temp.ts';

/** What `npm run sandbox` prints: each emulator's endpoint and credentials under the catalog's field names. */
export type SandboxEndpoints = Record<string, Record<string, string>>;

export interface RunningSandbox {
  endpoints: SandboxEndpoints;
  stop(): Promise<void>;
}

/**
 * The provider emulators (main/sandbox/start.ts) as a process of their own, for accounts a test adds
 * through the UI (an S3 account, say). Its data folder is a throwaway one that stop() removes.
 */
export async function startSandboxProcess(): Promise<RunningSandbox> {
  const dataDir = tempDir('ferry-e2e-sandbox-');
  const root = resolve(import.meta.dirname, '../..');
  const child = spawn(process.execPath, [resolve(root, 'main/sandbox/start.ts'), '--data-dir', dataDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const line = await new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${output}`)), 30_000);
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const newline = stdout.indexOf('\n');
        if (newline !== -1) {
          clearTimeout(timer);
          resolveLine(stdout.slice(0, newline));
        }
      });
      child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}:\n${output}`)));
    });
    return { endpoints: JSON.parse(line) as SandboxEndpoints, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
