import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RetryPolicy } from '../../main/engine/retry-policy.ts';
import {
  startPicUpEmulator,
  type PicUpEmulator,
  type PicUpEmulatorOptions,
} from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { createService, type FerryService, type ServiceOptions } from '../../main/service.ts';
import type { FerryEvent } from '../../shared/contract.ts';
import { tempDir } from './temp.ts';

/** The default policy's behaviour in milliseconds instead of seconds, so that retrying tests stay quick. */
export const fastRetries: RetryPolicy = { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50 };

/**
 * A service as the integration tests drive it: its own data folder, a Tencent IM emulator the test
 * controls behind the built-in Sandbox account, and a folder for the files to upload.
 */
export interface ServiceHarness {
  readonly emulator: PicUpEmulator;
  /** Kept across open(): a reopened service finds the journal, history and vault of the last one. */
  readonly dataDir: string;
  /**
   * An empty folder for the test's source files, granted to every service the harness opens (as a
   * folder the user dropped on the window): uploads.add takes only paths Ferry was handed.
   */
  readonly filesDir: string;
  /** The service the last open() returned. */
  readonly service: FerryService;
  /** Every event of every service the harness opened, in order. */
  readonly events: FerryEvent[];
  /**
   * Close the open service, if any, and open another on the same data folder: a restart. The
   * overrides apply to this service only, over the harness's options.
   */
  open(overrides?: Partial<ServiceOptions>): Promise<FerryService>;
  /** Close the service and the emulator, and remove every folder the harness made. */
  close(): Promise<void>;
}

export interface ServiceHarnessOptions {
  /** For every service the harness opens; `retryPolicy` is fastRetries unless given. */
  service?: Partial<ServiceOptions>;
  emulator?: Omit<PicUpEmulatorOptions, 'storageDir'>;
  /** false: no service until the test calls open() with the options it needs. */
  open?: boolean;
}

export async function startServiceHarness(options: ServiceHarnessOptions = {}): Promise<ServiceHarness> {
  const root = tempDir('ferry-harness-');
  const dataDir = join(root, 'data');
  const filesDir = join(root, 'files');
  mkdirSync(filesDir);
  const events: FerryEvent[] = [];
  let emulator: PicUpEmulator;
  try {
    emulator = await startPicUpEmulator({ ...options.emulator, storageDir: join(root, 'emulator') });
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  let current: FerryService | undefined;

  async function open(overrides: Partial<ServiceOptions> = {}): Promise<FerryService> {
    await current?.close();
    current = undefined;
    const opened = await createService({
      retryPolicy: fastRetries,
      ...options.service,
      ...overrides,
      dataDir,
      sandboxEmulator: emulator,
    });
    // Tests close the service themselves (to restart it, or to read its files); the harness closes
    // whatever is open at the end, so a second close must be a no-op.
    const closeService = opened.close.bind(opened);
    let closing: Promise<void> | undefined;
    opened.close = () => (closing ??= closeService());
    opened.subscribe((event) => events.push(event));
    opened.grantPaths([filesDir]);
    current = opened;
    return opened;
  }

  const harness: ServiceHarness = {
    emulator,
    dataDir,
    filesDir,
    events,
    get service(): FerryService {
      if (current === undefined) throw new Error('no service is open: call open() first');
      return current;
    },
    open,
    async close() {
      try {
        await current?.close();
      } finally {
        try {
          await emulator.close();
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }
    },
  };
  if (options.open !== false) {
    try {
      await open();
    } catch (error) {
      await harness.close();
      throw error;
    }
  }
  return harness;
}
