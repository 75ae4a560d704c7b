import {
  commandChannel,
  eventChannel,
  eventNames,
  isCommandName,
  type EventName,
} from '../../shared/channels.ts';
import type { ErrorView } from '../../shared/errors.ts';

// Only shared/channels.ts is imported as a value: the preload must stay a tiny sandboxed bundle, and
// shared/contract.ts would pull zod into it. The main side validates every payload anyway.

/** The parts of `ipcRenderer` used here; the real one satisfies it, a test passes a fake. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface WebUtilsLike {
  getPathForFile(file: File): string;
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

/**
 * Build the closed API the preload exposes. The page gets three functions and nothing else: never
 * `ipcRenderer`, never an `IpcRendererEvent` (its `sender` is `ipcRenderer`), never a channel name of
 * its choosing.
 */
export function createPreloadApi(ipcRenderer: IpcRendererLike, webUtils: WebUtilsLike): PreloadApi {
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

  const pathForFile = (file: File): string => webUtils.getPathForFile(file);

  return Object.freeze({ invoke, subscribe, pathForFile });
}
