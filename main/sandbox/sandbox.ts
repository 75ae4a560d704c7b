import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { startPicUpEmulator } from './tencent-im/pic-up-emulator.ts';
import type { PicUpCredentials, PicUpEmulator } from './tencent-im/pic-up-emulator.ts';

export interface SandboxOptions {
  /** Where the emulators keep their data; a fresh temporary dir, removed on close, when omitted. */
  dataDir?: string;
  /**
   * Port of the first emulator (later ones take the next ports). When omitted, each emulator reuses
   * the port it had last time in the same dataDir if it is free (so stored download links keep
   * working), and a free port otherwise.
   */
  port?: number;
  tencentIm?: { credentials?: PicUpCredentials };
}

/** What a client needs to reach each emulator; start.ts prints exactly this as one JSON line. */
export interface SandboxEndpoints {
  tencentIm: { baseUrl: string } & PicUpCredentials;
}

export interface Sandbox {
  readonly dataDir: string;
  readonly endpoints: SandboxEndpoints;
  readonly tencentIm: PicUpEmulator;
  close(): Promise<void>;
}

const credentialsSchema = z.object({ sdkAppId: z.string(), identifier: z.string(), userSig: z.string() });

/** Remembered between runs in one dataDir, so a restarted sandbox looks like the same service. */
const sandboxStateSchema = z.object({
  tencentIm: z
    .object({ port: z.number().int().min(1).max(65535), credentials: credentialsSchema })
    .optional(),
});
type SandboxState = z.infer<typeof sandboxStateSchema>;

const stateFileName = 'sandbox-state.json';

/**
 * Start every provider emulator on loopback. Used by `npm run sandbox` (start.ts) and embedded by the
 * app for its first-run "Sandbox" account. New emulators are added here: one data subdirectory, one
 * entry in the state file, one port after the previous one.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'ferry-sandbox-')));
  await mkdir(dataDir, { recursive: true });
  const saved = await readState(dataDir);
  const started: Array<{ close(): Promise<void> }> = [];

  try {
    const credentials = options.tencentIm?.credentials ?? saved.tencentIm?.credentials;
    const tencentIm = await startWithPort(options.port, saved.tencentIm?.port, (port) =>
      startPicUpEmulator({
        storageDir: join(dataDir, 'tencent-im'),
        port,
        ...(credentials ? { credentials } : {}),
      }),
    );
    started.push(tencentIm);

    await writeState(dataDir, {
      tencentIm: { port: Number(new URL(tencentIm.baseUrl).port), credentials: tencentIm.credentials },
    });

    let closed: Promise<void> | undefined;
    return {
      dataDir,
      tencentIm,
      endpoints: { tencentIm: { baseUrl: tencentIm.baseUrl, ...tencentIm.credentials } },
      close() {
        closed ??= (async () => {
          await closeAll(started);
          if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
        })();
        return closed;
      },
    };
  } catch (error) {
    await closeAll(started);
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function startWithPort<T>(
  requested: number | undefined,
  remembered: number | undefined,
  start: (port: number) => Promise<T>,
): Promise<T> {
  if (requested !== undefined) return start(requested);
  if (remembered !== undefined) {
    try {
      return await start(remembered);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  return start(0);
}

async function closeAll(started: ReadonlyArray<{ close(): Promise<void> }>): Promise<void> {
  for (const emulator of [...started].reverse()) await emulator.close();
}

async function readState(dataDir: string): Promise<SandboxState> {
  try {
    const parsed = sandboxStateSchema.safeParse(
      JSON.parse(await readFile(join(dataDir, stateFileName), 'utf8')),
    );
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

async function writeState(dataDir: string, state: SandboxState): Promise<void> {
  const path = join(dataDir, stateFileName);
  await writeFile(`${path}.tmp`, JSON.stringify(state, null, 2));
  await rename(`${path}.tmp`, path);
}
