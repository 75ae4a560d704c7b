import type { ErrorView } from '../../shared/errors.ts';

/**
 * What a command handler returns over Electron IPC. Failures travel as data, never as a thrown error:
 * Electron keeps only the message of an error thrown from `ipcMain.handle`, and prefixes it.
 */
export type IpcResult = { ok: true; response: unknown } | { ok: false; error: ErrorView };

export const untrustedSenderResult: IpcResult = Object.freeze({
  ok: false,
  error: Object.freeze({ code: 'invalid-request', message: 'untrusted sender' }),
});
