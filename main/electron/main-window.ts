import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { appEntryUrl } from './app-origin.ts';
import { guardWebContents, type OpenExternal } from './web-contents-guard.ts';

export type BrowserWindowConstructor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/**
 * Every security-relevant preference spelled out, even where it equals Electron's default, so a change
 * of default or a careless edit shows up in review and in the test that asserts each key.
 * `enableBlinkFeatures` is deliberately absent.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // A file dropped outside the drop zone would otherwise navigate the window to file://.
    navigateOnDragDrop: false,
    enableWebSQL: false,
    safeDialogs: true,
  };
}

export interface MainWindowOptions {
  BrowserWindow: BrowserWindowConstructor;
  preloadPath: string;
  openExternal?: OpenExternal;
  log?: Pick<Console, 'error'>;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { BrowserWindow, preloadPath, log = console } = options;
  const window = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    title: 'Ferry',
    // Shown once painted, so the user never sees an empty white frame.
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  });
  guardWebContents(window.webContents, options.openExternal);
  window.once('ready-to-show', () => window.show());
  window.loadURL(appEntryUrl).catch((error: unknown) => {
    log.error(`Could not load ${appEntryUrl}`, error);
  });
  return window;
}
