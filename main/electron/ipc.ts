import { isAbsolute } from 'node:path';
import {
  commandChannel,
  commandNames,
  eventChannel,
  grantChannel,
  type CommandName,
} from '../../shared/channels.ts';
import type { FerryEvent } from '../../shared/contract.ts';
import { toErrorView } from '../contract-dispatch.ts';
import type { FerryService } from '../service.ts';
import { isAppUrl } from './app-origin.ts';
import { untrustedSenderResult, type IpcResult } from './ipc-result.ts';
import type { SenderEvent } from './trusted-sender.ts';

/** The parts of `ipcMain` used here; the real one satisfies it, a test passes a fake. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => void): unknown;
}

/** Where events go: the web contents of the app's windows. */
export interface EventRecipient {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

export interface WireIpcOptions {
  ipcMain: IpcMainLike;
  service: Pick<FerryService, 'dispatch' | 'subscribe' | 'grantPaths'>;
  isTrustedSender: (event: SenderEvent) => boolean;
  /** Read on every event, so windows opened later receive events without rewiring. */
  eventTargets: () => Iterable<EventRecipient>;
  log?: Pick<Console, 'warn' | 'error'>;
}

function senderUrlOf(event: SenderEvent): string {
  try {
    return event.senderFrame?.url ?? '(no sender frame)';
  } catch {
    return '(unreadable sender frame)';
  }
}

/** A check that throws (a frame disposed mid-read, say) is a refusal, never an exception across IPC. */
function checkSender(isTrustedSender: (event: SenderEvent) => boolean, event: SenderEvent): boolean {
  try {
    return isTrustedSender(event);
  } catch {
    return false;
  }
}

/**
 * Send one event to the app's windows: the service's events (wireIpc) and main's own (`app.navigate`,
 * `app.openFiles`, see renderer-mailbox.ts) take this same path.
 */
export function deliverEvent(
  targets: Iterable<EventRecipient>,
  event: FerryEvent,
  log: Pick<Console, 'error'> = console,
): void {
  for (const target of targets) {
    try {
      // A window that somehow left the app origin must not receive the user's data.
      if (target.isDestroyed() || !isAppUrl(target.getURL())) continue;
      target.send(eventChannel, event);
    } catch (error) {
      // One window failing must not stop delivery to the others nor break the service's emitter.
      log.error('Could not deliver an event to a window', error);
    }
  }
}

/** What the preload may send on the grant channel: absolute paths, within uploads.add's bounds. */
function grantablePaths(value: unknown): string[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > 10_000) return null;
  const valid = value.every(
    (path) => typeof path === 'string' && path.length <= 4096 && !path.includes('\0') && isAbsolute(path),
  );
  return valid ? (value as string[]) : null;
}

/**
 * Connect every contract command to the service over `ipcMain.handle` and the preload's grant channel
 * (the files the user dropped or picked) to `grantPaths`, all behind the sender check, and forward
 * the service's events to the app's windows. Returns the undo, so a test (or a future
 * restart of the service) leaves no handler or subscription behind.
 */
export function wireIpc(options: WireIpcOptions): () => void {
  const { ipcMain, service, isTrustedSender, eventTargets, log = console } = options;

  const handlerFor =
    (name: CommandName) =>
    async (event: SenderEvent, ...args: unknown[]): Promise<IpcResult> => {
      const trusted = checkSender(isTrustedSender, event);
      if (!trusted) {
        log.warn(`Refused IPC command ${name} from an untrusted sender: ${senderUrlOf(event)}`);
        return untrustedSenderResult;
      }
      try {
        const response = await service.dispatch(name, args[0]);
        return { ok: true, response };
      } catch (error) {
        const view = toErrorView(error);
        // A refused call is the caller's business; anything else is a bug worth a line. The service
        // logged the error itself, redacted: printing it raw here could put a secret on the console.
        if (view.code === 'internal')
          log.error(`IPC command ${name} failed with an internal error (details in Ferry's log).`);
        return { ok: false, error: view };
      }
    };

  const channels = commandNames.map((name) => {
    const channel = commandChannel(name);
    ipcMain.handle(channel, handlerFor(name));
    return channel;
  });

  // A one-way message, handled as it arrives: an uploads.add the preload's page sends after it is
  // handled later, so it sees the grant.
  const onGrant = (event: SenderEvent, paths: unknown): void => {
    if (!checkSender(isTrustedSender, event)) {
      log.warn(`Refused paths from an untrusted sender: ${senderUrlOf(event)}`);
      return;
    }
    const valid = grantablePaths(paths);
    if (valid === null) log.warn('Refused a malformed list of dropped or picked paths');
    else service.grantPaths(valid);
  };
  ipcMain.on(grantChannel, onGrant);

  const unsubscribe = service.subscribe((event: FerryEvent) => deliverEvent(eventTargets(), event, log));

  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    for (const channel of channels) ipcMain.removeHandler(channel);
    ipcMain.removeListener(grantChannel, onGrant);
    unsubscribe();
  };
}
