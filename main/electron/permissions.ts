import type { Session } from 'electron';
import { isAppUrl } from './app-origin.ts';

/**
 * Electron grants every web permission unless told otherwise. Ferry's page needs one: writing to the
 * clipboard, because copying a link is what users come for (`navigator.clipboard.writeText` asks for
 * `clipboard-sanitized-write`). Reading the clipboard, camera, geolocation, notifications (shown by
 * the main process instead) and everything else stay denied.
 */
const grantedToApp: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionGranted(permission: string, requestingUrl: string | undefined): boolean {
  return grantedToApp.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

export type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;

export function installPermissionPolicy(session: PermissionSession): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    isPermissionGranted(permission, requestingOrigin),
  );
}
