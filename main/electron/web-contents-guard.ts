import type { WebContents, WindowOpenHandlerResponse } from 'electron';
import { isAppUrl } from './app-origin.ts';

/** Hands a URL to the operating system's browser (`shell.openExternal`). */
export type OpenExternal = (url: string) => Promise<void>;

/**
 * Only plain web links leave the app: `shell.openExternal` on any other scheme (file:, smb:, custom
 * handlers) can run programs. Links with embedded credentials are refused too.
 */
export function isExternalWebLink(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    (parsed.protocol === 'https:' || parsed.protocol === 'http:') && !parsed.username && !parsed.password
  );
}

/** Whether Ferry produced `url` (a link in its history): asked before any link leaves the app. */
export type IsFerryLink = (url: string) => Promise<boolean>;

/**
 * The app's `openExternal`: only http(s) links without credentials, and only links Ferry produced. A
 * page that was tricked into opening a link (injected markup, a crafted file name) cannot make the
 * system browser visit an address of its choosing. Rejects, with the reason, when it opens nothing.
 */
export function createExternalLinkOpener(openExternal: OpenExternal, isFerryLink: IsFerryLink): OpenExternal {
  return async (url) => {
    if (!isExternalWebLink(url)) throw new Error('Only http and https links are opened in the browser.');
    let known: boolean;
    try {
      known = await isFerryLink(url);
    } catch {
      known = false;
    }
    if (!known) throw new Error('Only links that Ferry produced are opened in the browser.');
    await openExternal(url);
  };
}

/**
 * The one place that decides what a `window.open` or `target=_blank` link does: never a window inside
 * the app (it would run with our preload); a web link such as a download link in the history opens in
 * the user's browser instead.
 */
export function decideWindowOpen(
  details: { url: string },
  openExternal?: OpenExternal,
): WindowOpenHandlerResponse {
  if (openExternal && isExternalWebLink(details.url)) {
    openExternal(details.url).catch(() => {
      // No browser configured: nothing to do but not crash; the link can still be copied.
    });
  }
  return { action: 'deny' };
}

/** A top-level navigation may only move within the app origin; anything else would run with our preload. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

const guarded = new WeakSet<object>();

/**
 * Electron's security checklist items for every web contents: no navigation off the app origin, no new
 * windows, no `<webview>`. Applied from `app.on('web-contents-created')` so contents we did not create
 * ourselves are covered too; idempotent so the main window can apply it as well.
 */
export function guardWebContents(contents: GuardedContents, openExternal?: OpenExternal): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.on('will-navigate', (event) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler((details) => decideWindowOpen(details, openExternal));
}
