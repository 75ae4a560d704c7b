import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { PicUpCredentials, PicUpEmulator } from './tencent-im/pic-up-emulator.ts';
import type { S3Emulator } from './s3/s3-emulator.ts';

/**
 * Every provider emulator the sandbox can run. Each is imported only when it is started: the app
 * embeds only the Tencent one (for its Sandbox account), so the others stay out of its main bundle,
 * and the S3 and tus ones wrap real servers (s3rver, @tus/server) that are development dependencies.
 */
export const emulatorKeys = ['tencentIm', 'imFileApi', 'easemob', 'oppoPush', 's3', 'tus'] as const;
export type EmulatorKey = (typeof emulatorKeys)[number];

export interface SandboxOptions {
  /** Where the emulators keep their data; a fresh temporary dir, removed on close, when omitted. */
  dataDir?: string;
  /**
   * Port of the first emulator (later ones take the next ports). When omitted, each emulator reuses
   * the port it had last time in the same dataDir if it is free (so stored download links keep
   * working), and a free port otherwise.
   */
  port?: number;
  /** Which emulators to run; all of them by default. */
  emulators?: readonly EmulatorKey[];
  tencentIm?: { credentials?: PicUpCredentials };
}

/** What a client needs to reach each emulator (base URL, credentials, extras); start.ts prints it as JSON. */
export type SandboxEndpoints = Partial<Record<EmulatorKey, Record<string, unknown>>>;

export interface Sandbox {
  readonly dataDir: string;
  readonly endpoints: SandboxEndpoints;
  /** The Tencent emulator, when it runs: it backs the app's built-in Sandbox account. */
  readonly tencentIm: PicUpEmulator | undefined;
  /** Every running emulator itself, for tests that inject faults or count bytes (cast to its type). */
  readonly instances: Partial<Record<EmulatorKey, unknown>>;
  close(): Promise<void>;
}

interface RunningEmulator {
  /** The emulator itself, for callers that drive it (tests inject faults into the Tencent one). */
  readonly instance: unknown;
  readonly baseUrl: string;
  readonly credentials: unknown;
  /** The endpoint as printed: base URL, credentials and whatever else an account needs. */
  readonly endpoint: Record<string, unknown>;
  close(): Promise<void>;
}

type Starter = (options: {
  storageDir: string;
  port: number;
  credentials: unknown;
}) => Promise<RunningEmulator>;

/** Saved credentials are only reused when they have the shape the emulator expects; else it makes new ones. */
function saved<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const strings = <K extends string>(...keys: K[]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, z.string()])) as Record<K, z.ZodString>);

const starters: Record<EmulatorKey, Starter> = {
  async tencentIm({ storageDir, port, credentials }) {
    const { startPicUpEmulator } = await import('./tencent-im/pic-up-emulator.ts');
    const given = saved(strings('sdkAppId', 'identifier', 'userSig'), credentials);
    const emulator = await startPicUpEmulator({ storageDir, port, ...(given ? { credentials: given } : {}) });
    return { ...bind(emulator), endpoint: { baseUrl: emulator.baseUrl, ...emulator.credentials } };
  },
  async imFileApi({ storageDir, port, credentials }) {
    const { startImFileEmulator } = await import('./im-file-api/im-file-emulator.ts');
    const given = saved(strings('appId', 'accessToken'), credentials);
    const emulator = await startImFileEmulator({
      storageDir,
      port,
      ...(given ? { credentials: given } : {}),
    });
    return { ...bind(emulator), endpoint: { baseUrl: emulator.baseUrl, ...emulator.credentials } };
  },
  async easemob({ storageDir, port, credentials }) {
    const { startEasemobEmulator } = await import('./easemob/easemob-emulator.ts');
    const given = saved(strings('orgName', 'appName', 'clientId', 'clientSecret'), credentials);
    const emulator = await startEasemobEmulator({
      storageDir,
      port,
      ...(given ? { credentials: given } : {}),
    });
    return { ...bind(emulator), endpoint: { baseUrl: emulator.baseUrl, ...emulator.credentials } };
  },
  async oppoPush({ storageDir, port, credentials }) {
    const { startOppoPushEmulator } = await import('./oppo-push/oppo-push-emulator.ts');
    const given = saved(strings('appKey', 'masterSecret'), credentials);
    const emulator = await startOppoPushEmulator({
      storageDir,
      port,
      ...(given ? { credentials: given } : {}),
    });
    return { ...bind(emulator), endpoint: { baseUrl: emulator.baseUrl, ...emulator.credentials } };
  },
  async s3({ storageDir, port, credentials }) {
    const { startS3Emulator } = await import('./s3/s3-emulator.ts');
    const given = saved(strings('accessKeyId', 'secretAccessKey'), credentials);
    const emulator = await startS3Emulator({ storageDir, port, ...(given ? { credentials: given } : {}) });
    return {
      ...bind(emulator),
      endpoint: s3EndpointOf(emulator),
    };
  },
  async tus({ storageDir, port, credentials }) {
    const { startTusEmulator } = await import('./tus/tus-emulator.ts');
    const given = saved(strings('headerName', 'headerValue'), credentials);
    const emulator = await startTusEmulator({ storageDir, port, ...(given ? { credentials: given } : {}) });
    return {
      ...bind(emulator),
      endpoint: {
        endpoint: emulator.endpoint,
        ...(emulator.credentials
          ? {
              authHeaderName: emulator.credentials.headerName,
              authHeaderValue: emulator.credentials.headerValue,
            }
          : {}),
      },
    };
  },
};

function bind(emulator: { baseUrl: string; credentials: unknown; close(): Promise<void> }) {
  return {
    instance: emulator,
    baseUrl: emulator.baseUrl,
    credentials: emulator.credentials,
    close: () => emulator.close(),
  };
}

/** The provider (catalog id) each emulator stands in for; also its data subdirectory's name. */
export const emulatedProvider: Record<EmulatorKey, string> = {
  tencentIm: 'tencent-im',
  imFileApi: 'im-file-api',
  easemob: 'easemob',
  oppoPush: 'oppo-push',
  s3: 's3',
  tus: 'tus',
};

/** Remembered between runs in one dataDir, so a restarted sandbox looks like the same service. */
const sandboxStateSchema = z.partialRecord(
  z.enum(emulatorKeys),
  z.object({ port: z.number().int().min(1).max(65535), credentials: z.unknown() }),
);
type SandboxState = z.infer<typeof sandboxStateSchema>;

const stateFileName = 'sandbox-state.json';

/**
 * Start provider emulators on loopback. Used by `npm run sandbox` (start.ts, all of them) and embedded
 * by the app for its built-in "Sandbox" account (Tencent only). Each keeps one data subdirectory, one
 * entry in the state file and, when `port` is given, the next port after the previous one.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'ferry-sandbox-')));
  await mkdir(dataDir, { recursive: true });
  const state = await readState(dataDir);
  const keys = options.emulators ?? emulatorKeys;
  const started = new Map<EmulatorKey, RunningEmulator>();

  try {
    for (const [index, key] of keys.entries()) {
      const credentials =
        key === 'tencentIm' && options.tencentIm?.credentials
          ? options.tencentIm.credentials
          : state[key]?.credentials;
      const requested =
        options.port === undefined ? undefined : options.port === 0 ? 0 : options.port + index;
      const emulator = await startWithPort(requested, state[key]?.port, (port) =>
        starters[key]({ storageDir: join(dataDir, emulatedProvider[key]), port, credentials }),
      );
      started.set(key, emulator);
      state[key] = { port: Number(new URL(emulator.baseUrl).port), credentials: emulator.credentials };
    }
    await writeState(dataDir, state);

    let closed: Promise<void> | undefined;
    return {
      dataDir,
      tencentIm: started.get('tencentIm')?.instance as PicUpEmulator | undefined,
      instances: Object.fromEntries([...started].map(([key, emulator]) => [key, emulator.instance])),
      endpoints: Object.fromEntries([...started].map(([key, emulator]) => [key, emulator.endpoint])),
      close() {
        closed ??= (async () => {
          await closeAll([...started.values()]);
          if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
        })();
        return closed;
      },
    };
  } catch (error) {
    await closeAll([...started.values()]);
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
  await writeFile(`${path}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

/** An S3 emulator as what the sandbox prints for it: the S3 account's catalog fields and secrets. */
export function s3EndpointOf(
  emulator: Pick<S3Emulator, 'baseUrl' | 'region' | 'bucket' | 'credentials'>,
): Record<string, string> {
  return {
    endpoint: emulator.baseUrl,
    region: emulator.region,
    bucket: emulator.bucket,
    pathStyle: 'true',
    ...emulator.credentials,
  };
}
