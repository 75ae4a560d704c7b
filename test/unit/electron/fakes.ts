import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { wireIpc, type WireIpcOptions } from '../../../main/electron/ipc.ts';
import type { FileEventLike, PageLike, WebUtilsLike } from '../../../main/electron/preload-api.ts';
import type { SafeStorageLike } from '../../../main/electron/safe-storage-cipher.ts';
import {
  createSenderCheck,
  type SenderEvent,
  type SenderFrame,
} from '../../../main/electron/trusted-sender.ts';
import { createWindowRegistry } from '../../../main/electron/window-registry.ts';

// Stand-ins for Electron objects: the Electron binary cannot be downloaded on the team's machines, so the
// Electron layer is exercised against fakes shaped like electron.d.ts (see
// docs/architecture.md#floors-and-import-rules).

let nextProcessId = 100;

export function fakeFrame(url: string, parent: SenderFrame | null = null): SenderFrame {
  const processId = nextProcessId++;
  return { url, parent, processId, frameToken: `token-${processId}` };
}

/** A `WebContents` with what the Electron layer touches: id, URL, main frame, send, events. */
export class FakeWebContents extends EventEmitter {
  static #nextId = 1;
  readonly id = FakeWebContents.#nextId++;
  readonly mainFrame: SenderFrame;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  windowOpenHandler: ((details: { url: string }) => unknown) | null = null;
  #destroyed = false;

  constructor(url = 'app://ferry/index.html') {
    super();
    this.mainFrame = fakeFrame(url);
  }

  getURL(): string {
    return this.mainFrame.url;
  }

  isDestroyed(): boolean {
    return this.#destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
    this.windowOpenHandler = handler;
  }

  destroy(): void {
    this.#destroyed = true;
    this.emit('destroyed');
  }
}

/** An `IpcMainInvokeEvent` as Electron would build it for a message from `frame` in `contents`. */
export function fakeInvokeEvent(
  contents: FakeWebContents,
  frame: SenderFrame | null = contents.mainFrame,
): SenderEvent {
  return { senderFrame: frame, sender: contents };
}

type Handler = (event: SenderEvent, ...args: unknown[]) => unknown;

/**
 * `ipcMain` with `handle`/`removeHandler`, refusing a second handler per channel like the real one,
 * and `on`/`removeListener` for one-way messages.
 */
export class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  readonly listeners = new Map<string, Set<Handler>>();

  on(channel: string, listener: Handler): void {
    this.listeners.set(channel, (this.listeners.get(channel) ?? new Set()).add(listener));
  }

  removeListener(channel: string, listener: Handler): void {
    this.listeners.get(channel)?.delete(listener);
    if (this.listeners.get(channel)?.size === 0) this.listeners.delete(channel);
  }

  /**
   * What Electron does when a renderer calls `ipcRenderer.send(channel, ...args)`: the listeners run
   * at once, as the message arrives, before any `invoke` the renderer sent after it.
   */
  send(channel: string, event: SenderEvent, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(event, ...args);
  }

  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What Electron does when a renderer calls `ipcRenderer.invoke(channel, ...args)`. */
  async invoke(channel: string, event: SenderEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

/**
 * The page's window as the preload's isolated world sees it: listeners by type and phase. `fire`
 * plays Chromium dispatching an event; `isTrusted` says whether the user made it or a script did.
 */
export class FakePage implements PageLike {
  readonly listeners: Array<{ type: string; listener: (event: FileEventLike) => void; capture: boolean }> =
    [];

  addEventListener(
    type: string,
    listener: (event: FileEventLike) => void,
    options?: { capture?: boolean },
  ): void {
    this.listeners.push({ type, listener, capture: options?.capture === true });
  }

  fire(type: string, event: FileEventLike): void {
    for (const entry of this.listeners.filter((candidate) => candidate.type === type)) entry.listener(event);
  }
}

/**
 * `webUtils` over files with a place on disk, as Chromium makes them for a drop or a pick
 * (`diskFile`); any other File, such as one a page script builds, has no path.
 */
export function fakeDisk(): { webUtils: WebUtilsLike; diskFile(path: string, relativePath?: string): File } {
  const onDisk = new Map<File, string>();
  return {
    webUtils: { getPathForFile: (file) => onDisk.get(file) ?? '' },
    diskFile(path, relativePath = '') {
      const file = new File(['x'], path.split(/[\\/]/).pop()!);
      Object.defineProperty(file, 'webkitRelativePath', { value: relativePath });
      onDisk.set(file, path);
      return file;
    },
  };
}

export const silentLog = { warn: () => undefined, error: () => undefined };

/** One window registered as Ferry's and main's IPC wired to `service`, as the app wires them. */
export function wireOneWindow(service: WireIpcOptions['service']) {
  const ipcMain = new FakeIpcMain();
  const windows = createWindowRegistry<FakeWebContents>();
  const window = new FakeWebContents();
  windows.add(window);
  const dispose = wireIpc({
    ipcMain,
    service,
    isTrustedSender: createSenderCheck((id) => windows.has(id)),
    eventTargets: () => windows.list(),
    log: silentLog,
  });
  return { ipcMain, windows, window, dispose };
}

type StorageBackend = ReturnType<SafeStorageLike['getSelectedStorageBackend']>;

/**
 * Electron's `safeStorage` mocked (the binary cannot run here): AES-GCM under a key of its own, as
 * the OS keychain would hold one, so a second instance plays a changed keyring and cannot decrypt
 * the first one's blobs. Blobs start with "v11" like Chromium's keyring-backed ones on Linux.
 */
export class FakeSafeStorage implements SafeStorageLike {
  readonly #key = randomBytes(32);
  available: boolean;
  backend: StorageBackend;
  encryptCalls = 0;

  constructor(options: { available?: boolean; backend?: StorageBackend } = {}) {
    this.available = options.available ?? true;
    this.backend = options.backend ?? 'gnome_libsecret';
  }

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  getSelectedStorageBackend(): StorageBackend {
    return this.backend;
  }

  encryptString(plainText: string): Buffer {
    if (!this.available)
      throw new Error('Error while encrypting the text provided to safeStorage.encryptString.');
    this.encryptCalls++;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]);
  }

  decryptString(encrypted: Buffer): string {
    if (encrypted.subarray(0, 3).toString() !== 'v11' || encrypted.length < 31)
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, encrypted.subarray(3, 15));
    decipher.setAuthTag(encrypted.subarray(15, 31));
    try {
      return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    }
  }
}
