import {
  commandChannel,
  eventChannel,
  eventNames,
  grantChannel,
  isCommandName,
  type EventName,
} from '../../shared/channels.ts';
import type { ErrorView } from '../../shared/errors.ts';

// Only shared/channels.ts is imported as a value: the preload must stay a tiny sandboxed bundle, and
// shared/contract.ts would pull zod into it. The main side validates every payload anyway.

/** The parts of `ipcRenderer` used here; the real one satisfies it, a test passes a fake. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface WebUtilsLike {
  getPathForFile(file: File): string;
}

/** The parts of a drop or change event the preload reads (no DOM types on the Node side). */
export interface FileEventLike {
  /** True only for events the browser made from what the user did; false for any a script dispatched. */
  readonly isTrusted: boolean;
  readonly dataTransfer?: { readonly files: ArrayLike<File> } | null;
  readonly target?: unknown;
}

/** The page's window, seen from the preload's isolated world: only the listener registration. */
export interface PageLike {
  addEventListener(
    type: string,
    listener: (event: FileEventLike) => void,
    options?: { capture?: boolean },
  ): void;
}

export interface BridgeEvent {
  name: EventName;
  payload: unknown;
}

/**
 * What a failed `invoke` rejects with: a plain object, not an `Error`. contextBridge copies an Error
 * into the page as `new Error(message)` and drops every other property, so a `code` on an Error would
 * never reach the renderer; a plain object's own properties do.
 */
export interface BridgeError extends ErrorView {
  name: 'FerryError';
}

/** The object exposed as `window.ferry`. */
export interface PreloadApi {
  invoke(name: string, request?: unknown): Promise<unknown>;
  subscribe(listener: (event: BridgeEvent) => void): () => void;
  pathForFile(file: File): string;
}

function bridgeError(view: ErrorView): BridgeError {
  const error: BridgeError = { name: 'FerryError', code: view.code, message: view.message };
  if (typeof view.providerMessage === 'string') error.providerMessage = view.providerMessage;
  if (typeof view.providerCode === 'string') error.providerCode = view.providerCode;
  return error;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Unwrap main's `{ ok, response }` / `{ ok: false, error }` answer (see ipc-result.ts). */
function unwrap(answer: unknown): unknown {
  if (isRecord(answer) && answer.ok === true) return answer.response;
  if (isRecord(answer) && answer.ok === false && isRecord(answer.error)) {
    const { code, message, providerMessage, providerCode } = answer.error;
    if (typeof code === 'string' && typeof message === 'string') {
      throw bridgeError({
        code: code as ErrorView['code'],
        message,
        providerMessage: typeof providerMessage === 'string' ? providerMessage : undefined,
        providerCode: typeof providerCode === 'string' ? providerCode : undefined,
      });
    }
  }
  throw bridgeError({
    code: 'internal',
    message: 'Ferry received a malformed answer from its main process.',
  });
}

function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (eventNames as readonly string[]).includes(value);
}

/** The folder a path is in ('' past the top), POSIX or Windows: the preload is sandboxed, no node:path. */
function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut <= 0 ? '' : path.slice(0, cut);
}

function* selfAndFolders(path: string): Generator<string> {
  for (let current = path; current !== ''; current = folderOf(current)) yield current;
}

/** The files of a file input, when an event came from one. */
function filesOfInput(target: unknown): ArrayLike<File> | null {
  if (!isRecord(target) || target.type !== 'file') return null;
  return (target as { files?: ArrayLike<File> | null }).files ?? null;
}

/** uploads.add's bound (shared/contract.ts): one grant message carries at most this many paths. */
const maxPathsPerGrant = 10_000;

/**
 * What the user handed the page: the files of each drop and each pick in a file input, seen by the
 * preload's own listeners in the isolated world, where no page script can reach. Each is registered
 * with main (`grantChannel`) before the page's handlers run, and `pathForFile` names only these
 * (and what lies inside a handed folder): a path the page invents is refused by main.
 */
function watchHandedFiles(
  page: PageLike,
  webUtils: WebUtilsLike,
  ipcRenderer: IpcRendererLike,
): (path: string) => boolean {
  const handed = new Set<string>();
  const register = (paths: string[]): void => {
    const fresh = [...new Set(paths)].filter((path) => path !== '' && !handed.has(path));
    for (const path of fresh) handed.add(path);
    for (let start = 0; start < fresh.length; start += maxPathsPerGrant)
      ipcRenderer.send(grantChannel, fresh.slice(start, start + maxPathsPerGrant));
  };
  const pathOf = (file: File): string => {
    try {
      return webUtils.getPathForFile(file);
    } catch {
      return '';
    }
  };

  // Capture phase on the window, registered before any page script exists: these run first.
  page.addEventListener(
    'drop',
    (event) => {
      // A script can dispatch a drop of Files it built; the browser marks only the user's as trusted.
      if (!event.isTrusted || !event.dataTransfer) return;
      register(Array.from(event.dataTransfer.files, pathOf));
    },
    { capture: true },
  );
  page.addEventListener(
    'change',
    (event) => {
      const files = event.isTrusted ? filesOfInput(event.target) : null;
      if (files === null) return;
      register(
        Array.from(files, (file) => {
          // A folder picker lists every file under the folder: the folder is the one grant.
          const relative = (file as { webkitRelativePath?: unknown }).webkitRelativePath;
          const depth = typeof relative === 'string' && relative !== '' ? relative.split('/').length - 1 : 0;
          let path = pathOf(file);
          for (let level = 0; level < depth; level++) path = folderOf(path);
          return path;
        }),
      );
    },
    { capture: true },
  );

  return (path) => [...selfAndFolders(path)].some((candidate) => handed.has(candidate));
}

/**
 * Build the closed API the preload exposes. The page gets three functions and nothing else: never
 * `ipcRenderer`, never an `IpcRendererEvent` (its `sender` is `ipcRenderer`), never a channel name of
 * its choosing. `page` is the window the preload runs in; its drops and picks are watched.
 */
export function createPreloadApi(
  ipcRenderer: IpcRendererLike,
  webUtils: WebUtilsLike,
  page: PageLike,
): PreloadApi {
  const wasHanded = watchHandedFiles(page, webUtils, ipcRenderer);
  const listeners = new Set<{ listener: (event: BridgeEvent) => void }>();

  // One IPC listener shared by all subscribers: EventEmitter warns past ten listeners, and the
  // renderer may well subscribe from more components than that.
  const onEvent = (_event: unknown, message: unknown): void => {
    if (!isRecord(message) || !isEventName(message.name)) return;
    const name = message.name;
    const payload = message.payload;
    for (const entry of [...listeners]) {
      try {
        entry.listener({ name, payload });
      } catch (error) {
        // One broken listener must not starve the others.
        console.error('A Ferry event listener threw', error);
      }
    }
  };

  const invoke = async (name: string, request?: unknown): Promise<unknown> => {
    if (!isCommandName(name)) {
      throw bridgeError({
        code: 'unknown-command',
        message: `Unknown command: ${String(name).slice(0, 100)}`,
      });
    }
    let answer: unknown;
    try {
      answer = await ipcRenderer.invoke(commandChannel(name), request);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw bridgeError({ code: 'internal', message: `Ferry could not reach its main process: ${detail}` });
    }
    return unwrap(answer);
  };

  const subscribe = (listener: (event: BridgeEvent) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('ferry.subscribe needs a function');
    const entry = { listener };
    if (listeners.size === 0) ipcRenderer.on(eventChannel, onEvent);
    listeners.add(entry);
    return () => {
      if (!listeners.delete(entry)) return;
      if (listeners.size === 0) ipcRenderer.removeListener(eventChannel, onEvent);
    };
  };

  /** The file's path if the user handed it over (a drop, a pick, inside a handed folder); '' otherwise. */
  const pathForFile = (file: File): string => {
    const path = webUtils.getPathForFile(file);
    return path !== '' && wasHanded(path) ? path : '';
  };

  return Object.freeze({ invoke, subscribe, pathForFile });
}
