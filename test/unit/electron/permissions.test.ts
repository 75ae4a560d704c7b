import { describe, expect, it, vi } from 'vitest';
import {
  installPermissionPolicy,
  isPermissionGranted,
  type PermissionSession,
} from '../../../main/electron/permissions.ts';

type RequestHandler = (
  wc: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: object,
) => void;
type CheckHandler = (wc: unknown, permission: string, origin: string, details: object) => boolean;

function fakeSession() {
  const session = {
    request: null as RequestHandler | null,
    check: null as CheckHandler | null,
    setPermissionRequestHandler(handler: RequestHandler | null) {
      session.request = handler;
    },
    setPermissionCheckHandler(handler: CheckHandler | null) {
      session.check = handler;
    },
  };
  return session;
}

const denied = [
  'media',
  'geolocation',
  'notifications',
  'clipboard-read',
  'openExternal',
  'fullscreen',
  'unknown',
];

describe('installPermissionPolicy (fake Session: Electron binary unavailable)', () => {
  it.each(denied)('denies %s to the app page, on request and on check', (permission) => {
    const session = fakeSession();
    installPermissionPolicy(session as unknown as PermissionSession);
    const callback = vi.fn();
    session.request?.(null, permission, callback, {
      requestingUrl: 'app://ferry/index.html',
      isMainFrame: true,
    });
    expect(callback).toHaveBeenCalledWith(false);
    expect(session.check?.(null, permission, 'app://ferry', { isMainFrame: true })).toBe(false);
  });

  it('grants clipboard writes to the app page only (copying a link is the point of the app)', () => {
    const session = fakeSession();
    installPermissionPolicy(session as unknown as PermissionSession);
    const callback = vi.fn();
    session.request?.(null, 'clipboard-sanitized-write', callback, {
      requestingUrl: 'app://ferry/index.html',
    });
    session.request?.(null, 'clipboard-sanitized-write', callback, {
      requestingUrl: 'https://evil.example/',
    });
    expect(callback.mock.calls).toEqual([[true], [false]]);
    expect(session.check?.(null, 'clipboard-sanitized-write', 'app://ferry', {})).toBe(true);
    expect(session.check?.(null, 'clipboard-sanitized-write', 'https://evil.example', {})).toBe(false);
  });

  it('denies when the requesting URL is unknown', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', undefined)).toBe(false);
  });
});
