import { join } from 'node:path';
import { startSandbox } from '../sandbox/sandbox.ts';
import type { PicUpEmulator } from '../sandbox/tencent-im/pic-up-emulator.ts';

/** Where the built-in "Sandbox" account uploads: the emulator's address and its own credentials. */
export type SandboxEmulator = Pick<PicUpEmulator, 'baseUrl' | 'credentials'>;

export interface SandboxHandle {
  readonly emulator: SandboxEmulator;
  /** Stops the embedded emulator; nothing for one that was given. */
  close(): Promise<void>;
}

/**
 * The emulator behind the "Sandbox" account: the one given (tests control theirs, possibly in another
 * process), else one started in-process. The embedded one keeps its port and objects in the data
 * folder, so links in the history keep working across restarts. Its credentials are its own, random,
 * and protect only a loopback server.
 */
export async function openSandbox(
  dataDir: string,
  given: SandboxEmulator | undefined,
): Promise<SandboxHandle> {
  if (given) return { emulator: given, close: async () => {} };
  const embedded = await startSandbox({ dataDir: join(dataDir, 'sandbox'), emulators: ['tencentIm'] });
  return { emulator: embedded.tencentIm!, close: () => embedded.close() };
}
