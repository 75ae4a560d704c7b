import { errorViewSchema } from '../../shared/models.ts';
import { stagingPath, stagingResponseSchema } from '../../shared/web-protocol.ts';
import { CommandFailure } from '../models/error-message.ts';
import type { FerryBridge } from './electron-bridge.ts';

/** How a dropped or picked `File` becomes a path that `uploads.add` can take. */
export interface FileIntake {
  /**
   * Whether folders go to the main side as paths. Electron can name a dropped folder's path and lets
   * the main side decide; the web shell can only stream file bytes, so it must refuse folders itself.
   */
  readonly passesFolders: boolean;
  /** Whether `pathFor` moves bytes (and can take a while), so the UI shows the file while it waits. */
  readonly copiesBytes: boolean;
  pathFor(file: File): Promise<string>;
}

/** Electron: the file is already on disk; the preload knows its path. */
export function createElectronFileIntake(bridge: FerryBridge): FileIntake {
  return {
    passesFolders: true,
    copiesBytes: false,
    pathFor: async (file) => {
      const path = bridge.pathForFile(file);
      if (path === '') {
        throw new CommandFailure({ code: 'file-unreadable', message: 'This item is not a file on disk.' });
      }
      return path;
    },
  };
}

/**
 * Web shell: the browser cannot reveal paths, so the bytes go to the shell's staging folder. Handing
 * fetch the File itself lets the browser stream it from disk instead of reading it into JS memory.
 */
export function createWebFileIntake(token: string): FileIntake {
  return {
    passesFolders: false,
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
