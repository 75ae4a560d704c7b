import { maxStagedBytes, type FerryApi } from '../../shared/contract.ts';
import { errorViewSchema } from '../../shared/models.ts';
import { stagingPath, stagingResponseSchema } from '../../shared/web-protocol.ts';
import { CommandFailure } from '../models/error-message.ts';
import type { FerryBridge } from './electron-bridge.ts';

/** How a dropped or picked `File` becomes a path that `uploads.add` can take. */
export interface FileIntake {
  /** Whether `pathFor` moves bytes (and can take a while), so the UI shows the file while it waits. */
  readonly copiesBytes: boolean;
  pathFor(file: File): Promise<string>;
}

/** Base64 in slices: a spread of 50 MB into String.fromCharCode would overflow the call stack. */
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary);
}

/**
 * Electron: a dropped or picked file is already on disk; the preload saw the drop or pick, handed
 * its path to main and knows it. A pasted image has no path, so its bytes go to the main side
 * (`uploads.stage`), bounded like the contract.
 */
export function createElectronFileIntake(bridge: FerryBridge, api: FerryApi): FileIntake {
  return {
    copiesBytes: false,
    pathFor: async (file) => {
      const path = bridge.pathForFile(file);
      if (path !== '') return path;
      if (file.size === 0 || file.size > maxStagedBytes) {
        throw new CommandFailure({
          code: 'file-too-large',
          message: `Pasted data must be 1 byte to ${maxStagedBytes / 1024 / 1024} MiB.`,
        });
      }
      const bytes = new Uint8Array(await file.arrayBuffer());
      return (await api.invoke('uploads.stage', { name: file.name, bytesBase64: toBase64(bytes) })).path;
    },
  };
}

/**
 * Web shell: the browser cannot reveal paths, so the bytes go to the shell's staging folder. Handing
 * fetch the File itself lets the browser stream it from disk instead of reading it into JS memory.
 */
export function createWebFileIntake(token: string): FileIntake {
  return {
    copiesBytes: true,
    pathFor: async (file) => {
      let response: Response;
      try {
        response = await fetch(`${stagingPath}?name=${encodeURIComponent(file.name)}`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
          body: file,
        });
      } catch {
        throw new CommandFailure({
          code: 'network',
          message: 'Could not reach Ferry to hand over this file.',
        });
      }
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        // The shell answers `{ error: ErrorView }`; a bare ErrorView is accepted too.
        const view = errorViewSchema.safeParse(
          typeof body === 'object' && body !== null && 'error' in body ? body.error : body,
        );
        throw new CommandFailure(
          view.success
            ? view.data
            : { code: 'http-status', message: `Ferry refused this file (HTTP ${response.status}).` },
        );
      }
      const staged = stagingResponseSchema.safeParse(body);
      if (!staged.success) {
        throw new CommandFailure({
          code: 'malformed-response',
          message: 'Ferry answered the file hand-over oddly.',
        });
      }
      return staged.data.path;
    },
  };
}
