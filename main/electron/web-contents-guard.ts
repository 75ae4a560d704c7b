import type { WebContents, WindowOpenHandlerResponse } from 'electron';
import { isAppUrl } from './app-origin.ts';

/**
 * The one place that decides what a `window.open` or `target=_blank` link does. Everything is denied
 * for now; when the renderer shows provider links, this is where http(s) URLs get handed to
 * `shell.openExternal` (after checking the scheme) instead of opening inside the app.
 */
export function decideWindowOpen(_details: { url: string }): WindowOpenHandlerResponse {
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
export function guardWebContents(contents: GuardedContents): void {
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
  contents.setWindowOpenHandler((details) => decideWindowOpen(details));
}
