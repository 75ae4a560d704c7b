import type { Sandbox } from '../sandbox/sandbox.ts';
import type { PicUpEmulator } from '../sandbox/tencent-im/pic-up-emulator.ts';

/** Where the built-in "Sandbox" account uploads: the emulator's address and its own credentials. */
export type SandboxEmulator = Pick<PicUpEmulator, 'baseUrl' | 'credentials'>;

export interface EmbeddedSandboxOptions {
  /** Where the emulator keeps its port, credentials and objects between runs. */
  dataDir: string;
  /** An emulator someone else runs (tests control theirs, possibly in another process): nothing is started then. */
  given?: SandboxEmulator | undefined;
  /** Told once, when the emulator is first known (its userSig must reach the log redactor). */
  onReady(emulator: SandboxEmulator): void;
}

/**
 * The emulator behind the "Sandbox" account: the one given, else one started in-process on the first
 * call to `emulator()` and never twice. The sandbox module (and the emulator) is imported only then, so
 * a command that never uses the account (`ferry accounts list`) loads and starts nothing. A start that
 * fails is tried again on the next call.
 */
export class EmbeddedSandbox {
  readonly #options: EmbeddedSandboxOptions;
  #starting: Promise<{ emulator: SandboxEmulator; sandbox: Sandbox | undefined }> | undefined;
  #closed = false;

  constructor(options: EmbeddedSandboxOptions) {
    this.#options = options;
  }

  async emulator(): Promise<SandboxEmulator> {
    if (this.#closed) throw new Error('The Sandbox emulator has been shut down with the service.');
    this.#starting ??= this.#start().catch((error: unknown) => {
      this.#starting = undefined;
      throw error;
    });
    return (await this.#starting).emulator;
  }

  async #start(): Promise<{ emulator: SandboxEmulator; sandbox: Sandbox | undefined }> {
    const { given, dataDir, onReady } = this.#options;
    if (given) {
      onReady(given);
      return { emulator: given, sandbox: undefined };
    }
    const { startSandbox } = await import('../sandbox/sandbox.ts');
    // The port and objects stay in the data folder, so links in the history keep working across
    // restarts. The credentials are the emulator's own, random, and protect only a loopback server.
    const sandbox = await startSandbox({ dataDir, emulators: ['tencentIm'] });
    const emulator = sandbox.tencentIm!;
    onReady(emulator);
    return { emulator, sandbox };
  }

  /** Stops the embedded emulator if it was started (waiting for a start under way); later calls fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const starting = this.#starting;
    this.#starting = undefined;
    if (!starting) return;
    const started = await starting.catch(() => undefined);
    await started?.sandbox?.close();
  }
}
