import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { appOrigin } from './app-origin.ts';
import { dropWindowChannel } from './drop-preload-api.ts';
import type { IpcMainLike } from './ipc.ts';
import { maxLaunchPaths } from './launch-paths.ts';
import { secureWebPreferences, type BrowserWindowConstructor } from './main-window.ts';
import { createSenderCheck } from './trusted-sender.ts';
import { guardWebContents, type OpenExternal } from './web-contents-guard.ts';

/** The drop window's page in the renderer build (renderer/drop.html), told the language to speak. */
export function dropWindowUrl(language: string): string {
  return `${appOrigin}/drop.html?lang=${encodeURIComponent(language)}`;
}

export const dropWindowSize = 88;
const margin = 24;

export interface WorkArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * ShareX's drop target: small, frameless, always on top, not in the taskbar, in the bottom right corner
 * of the screen's work area. Its web contents are as locked down as the main window's (the same
 * preferences), with a preload that offers nothing but handing over dropped files.
 */
export function dropWindowFrame(
  workArea: WorkArea | null,
): Omit<BrowserWindowConstructorOptions, 'webPreferences'> {
  const position =
    workArea === null
      ? {}
      : {
          x: workArea.x + workArea.width - dropWindowSize - margin,
          y: workArea.y + workArea.height - dropWindowSize - margin,
        };
  return {
    width: dropWindowSize,
    height: dropWindowSize,
    ...position,
    title: 'Ferry',
    frame: false,
    alwaysOnTop: true,
    skipTaskbar: true,
    resizable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    show: false,
  };
}

export interface DropWindowOptions {
  BrowserWindow: BrowserWindowConstructor;
  ipcMain: IpcMainLike;
  /** The drop window's own preload (out/preload/drop.cjs). */
  preloadPath: string;
  /** Where the window goes: the primary display's work area; null lets the OS place it. */
  workArea(): WorkArea | null;
  /** The language its page speaks (en, zh-CN). */
  language(): string;
  /** Files dropped on it, absolute paths as the page's preload read them (not yet checked). */
  onPaths(paths: string[]): void;
  /** The user closed it (Alt+F4, the window manager): the setting should follow. */
  onClosedByUser(): void;
  openExternal?: OpenExternal;
  log?: Pick<Console, 'warn' | 'error'>;
}

/** Paths as the drop window's IPC may send them: a bounded, non-empty list of bounded strings. */
function droppedPaths(payload: unknown): string[] | null {
  if (!Array.isArray(payload) || payload.length === 0 || payload.length > maxLaunchPaths) return null;
  if (!payload.every((path) => typeof path === 'string' && path.length > 0 && path.length <= 4096))
    return null;
  return payload as string[];
}

/**
 * The optional drop window (setting `dropWindow`): created when shown, closed when hidden. It is not
 * one of the app's windows for the contract: its sender is trusted only on its own channel, it gets no
 * events, and what it hands over goes where opened files go (the default account, else the window's
 * picker).
 */
export class DropWindow {
  readonly #options: DropWindowOptions;
  #window: BrowserWindow | null = null;
  /** Windows Ferry itself closed (the setting turned off, quitting): their 'closed' is not the user's. */
  readonly #closedByFerry = new WeakSet<BrowserWindow>();
  #disposed = false;

  constructor(options: DropWindowOptions) {
    this.#options = options;
    const isTrusted = createSenderCheck((id) => this.#liveWindow()?.webContents.id === id);
    options.ipcMain.handle(dropWindowChannel, (event, payload) => {
      const log = options.log ?? console;
      let trusted: boolean;
      try {
        trusted = isTrusted(event);
      } catch {
        trusted = false; // a frame disposed mid-check is no sender
      }
      if (!trusted) {
        log.warn('Refused files from a sender that is not the drop window');
        return false;
      }
      const paths = droppedPaths(payload);
      if (paths === null) return false;
      options.onPaths(paths);
      return true;
    });
  }

  get isOpen(): boolean {
    return this.#liveWindow() !== null;
  }

  setShown(shown: boolean): void {
    if (this.#disposed) return;
    if (shown) this.#show();
    else this.#close();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#close();
    this.#disposed = true;
    this.#options.ipcMain.removeHandler(dropWindowChannel);
  }

  #liveWindow(): BrowserWindow | null {
    const window = this.#window;
    return window === null || window.isDestroyed() ? null : window;
  }

  #show(): void {
    if (this.#liveWindow() !== null) return;
    const { BrowserWindow, preloadPath, log = console } = this.#options;
    const dropTarget = new BrowserWindow({
      ...dropWindowFrame(this.#options.workArea()),
      // Spelled out at the construction, where the build's webPreferences check reads every window.
      webPreferences: secureWebPreferences(preloadPath),
    });
    this.#window = dropTarget;
    guardWebContents(dropTarget.webContents, this.#options.openExternal);
    dropTarget.once('ready-to-show', () => dropTarget.showInactive());
    dropTarget.on('closed', () => {
      if (this.#window === dropTarget) this.#window = null;
      if (!this.#closedByFerry.has(dropTarget) && !this.#disposed) this.#options.onClosedByUser();
    });
    const url = dropWindowUrl(this.#options.language());
    dropTarget.loadURL(url).catch((error: unknown) => log.error(`Could not load ${url}`, error));
  }

  #close(): void {
    const window = this.#liveWindow();
    if (window === null) return;
    this.#closedByFerry.add(window);
    window.close();
  }
}
