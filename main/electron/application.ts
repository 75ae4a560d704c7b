import type { App, BrowserWindow, Dialog, IpcMain, Protocol, Session, Shell, WebContents } from 'electron';
import { join } from 'node:path';
import type { FerryService, ServiceOptions } from '../service.ts';
import { appScheme } from './app-origin.ts';
import { appSchemePrivileges, createAppProtocolHandler } from './app-protocol.ts';
import { deliverEvent, wireIpc } from './ipc.ts';
import { createMainWindow, type BrowserWindowConstructor } from './main-window.ts';
import { createElectronCipher, type SafeStorageLike } from './safe-storage-cipher.ts';
import { DesktopIntegration, type DesktopElectron } from './desktop.ts';
import { candidatePaths, existingPaths, leadingArgCount } from './launch-paths.ts';
import type { ProgressBarState } from './power.ts';
import { RendererMailbox, type AppView } from './renderer-mailbox.ts';
import { installPermissionPolicy } from './permissions.ts';
import { createSenderCheck } from './trusted-sender.ts';
import { createHistoryLinkCheck } from './ferry-links.ts';
import { createExternalLinkOpener, guardWebContents } from './web-contents-guard.ts';
import { createWindowRegistry } from './window-registry.ts';
import { DropWindow, type WorkArea } from './drop-window.ts';
import { mainStrings, systemMainLanguage } from './strings/main-strings.ts';

/** The Electron modules the application uses, passed in so the lifecycle is testable without Electron. */
export interface ElectronModules {
  app: App;
  protocol: Protocol;
  session: { readonly defaultSession: Session };
  ipcMain: IpcMain;
  BrowserWindow: BrowserWindowConstructor;
  dialog: Pick<Dialog, 'showErrorBox'>;
  shell: Pick<Shell, 'openExternal' | 'showItemInFolder'>;
  /** Encrypts the vault's secrets with the OS keychain; usable only after `ready`. */
  safeStorage: SafeStorageLike;
  /** Tray, notifications, clipboard, shortcut, power blocker: without them Ferry runs with its window only. */
  desktop?: DesktopElectron;
  /** Where the drop window goes (the primary display's work area); without it the OS places it. */
  screen?: { getPrimaryDisplay(): { workArea: WorkArea } };
}

export interface ApplicationOptions {
  electron: ElectronModules;
  createService: (options: ServiceOptions) => Promise<FerryService>;
  /** The built renderer (out/renderer), served as app://ferry/. */
  rendererDir: string;
  /** The built, sandboxed preload (out/preload/index.cjs). */
  preloadPath: string;
  /** The drop window's preload (out/preload/drop.cjs); without it there is no drop window. */
  dropPreloadPath?: string;
  platform?: NodeJS.Platform;
  log?: Pick<Console, 'warn' | 'error'>;
  /** How long quitting waits for the service to close (journal flush, database) before giving up. */
  closeTimeoutMs?: number;
  /** The folder with the tray icons (resources/tray); without it there is no tray icon. */
  trayIconDir?: string;
  /** This start's command line (process.argv): files named on it are uploaded. Default: none. */
  argv?: readonly string[];
  /** process.defaultApp: in development argv also carries the app's folder, which is no file to upload. */
  defaultApp?: boolean;
  /** Where relative paths of this start's command line are resolved. Default: process.cwd(). */
  workingDirectory?: string;
}

/** Paths named by one start of Ferry, not yet checked, and where relative ones are resolved. */
interface Launch {
  candidates: string[];
  workingDirectory: string;
}

/**
 * The main process, built in one readable order (Motrix's Application): privileged scheme before
 * ready, single-instance lock, then on ready the permission policy, the app:// protocol, the service,
 * the IPC wiring and finally the window. Quitting runs it backwards: IPC off, service closed.
 */
export class Application {
  readonly #options: ApplicationOptions;
  readonly #windows = createWindowRegistry<WebContents>();
  #mainWindow: BrowserWindow | null = null;
  #service: FerryService | null = null;
  #disposeIpc: (() => void) | null = null;
  #ready: Promise<void> | null = null;
  #shutdown: 'running' | 'closing' | 'closed' = 'running';
  #desktop: DesktopIntegration | null = null;
  #dropWindow: DropWindow | null = null;
  /** Set once quitting starts, so closing the window really closes it instead of hiding it in the tray. */
  #quitting = false;
  /** Command lines and macOS open-file paths that arrived before the service was ready. */
  readonly #launches: Launch[] = [];
  readonly #mailbox = new RendererMailbox((event) =>
    deliverEvent(this.#windows.list(), event, this.#options.log),
  );

  constructor(options: ApplicationOptions) {
    this.#options = options;
  }

  /** Links leave the app for the browser only when they are web links Ferry produced (in its history). */
  readonly #openExternal = createExternalLinkOpener(
    (url) => this.#options.electron.shell.openExternal(url),
    (url) => (this.#service === null ? Promise.resolve(false) : createHistoryLinkCheck(this.#service)(url)),
  );

  start(): void {
    const { app, protocol } = this.#options.electron;
    // Must happen before `ready`: Chromium fixes the scheme table when it starts.
    protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

    if (!app.requestSingleInstanceLock()) {
      // Another Ferry owns the journal and the database; it was told to show itself.
      app.quit();
      return;
    }

    // A second start shows this one's window and hands over the files named on its command line.
    app.on('second-instance', (_event, argv, workingDirectory) => {
      this.#showMainWindow();
      this.#launch(argv, workingDirectory, leadingArgCount(this.#options.defaultApp));
    });
    // macOS: files dropped on the dock icon or opened with Ferry. Registered before ready, as the
    // files that launch the app arrive before it.
    app.on('open-file', (event, path) => {
      event.preventDefault();
      this.#launch([path], '/', 0);
    });
    app.on('before-quit', () => {
      this.#quitting = true;
    });
    app.on('web-contents-created', (_event, contents) => guardWebContents(contents, this.#openExternal));
    app.on('window-all-closed', () => {
      // macOS apps stay alive without windows; uploads keep running and the dock icon reopens one.
      if (this.#platform !== 'darwin') app.quit();
    });
    app.on('activate', () => {
      if (this.#service !== null) this.#showMainWindow();
    });
    app.on('will-quit', (event) => {
      if (this.#shutdown === 'closed') return;
      event.preventDefault();
      if (this.#shutdown === 'closing') return;
      this.#shutdown = 'closing';
      void this.#close().finally(() => {
        this.#shutdown = 'closed';
        app.quit();
      });
    });

    this.#ready = app.whenReady().then(
      () => this.#onReady(),
      (error: unknown) => this.#fail(error),
    );
  }

  /** Resolves once the ready sequence has finished (or failed); for tests and orderly shutdown. */
  get ready(): Promise<void> {
    return this.#ready ?? Promise.resolve();
  }

  async #onReady(): Promise<void> {
    const { app, protocol, session, ipcMain } = this.#options.electron;
    try {
      installPermissionPolicy(session.defaultSession);
      protocol.handle(
        appScheme,
        createAppProtocolHandler(
          this.#options.rendererDir,
          (key) => this.#service?.thumbnailPath(key) ?? null,
        ),
      );
      const dataDir = app.getPath('userData');
      const cipher = createElectronCipher({
        safeStorage: this.#options.electron.safeStorage,
        platform: this.#platform,
        keyFile: join(dataDir, 'vault.key'),
      });
      const service = await this.#options.createService({
        dataDir,
        cipher,
        exportDir: app.getPath('downloads'),
        showItemInFolder: (path) => this.#options.electron.shell.showItemInFolder(path),
        // "Upload the clipboard" (shortcut, tray, the local API's empty-body form) reads Electron's.
        ...(this.#options.electron.desktop === undefined
          ? {}
          : { clipboard: this.#options.electron.desktop.clipboard }),
      });
      this.#service = service;
      // The user quit while the service was starting: #close will close it; open no window.
      if (this.#shutdown !== 'running') return;
      this.#disposeIpc = wireIpc({
        ipcMain,
        service: {
          // Commands come only from trusted senders; the first one shows the window has subscribed.
          dispatch: (name, request) => {
            this.#mailbox.windowListening();
            return service.dispatch(name, request);
          },
          subscribe: (listener) => service.subscribe(listener),
          grantPaths: (paths) => service.grantPaths(paths),
        },
        isTrustedSender: createSenderCheck((id) => this.#windows.has(id)),
        eventTargets: () => this.#windows.list(),
        log: this.#options.log,
      });
      this.#createMainWindow();
      this.#startDesktop(service);
    } catch (error) {
      this.#fail(error);
    }
  }

  #startDesktop(service: FerryService): void {
    const { electron, trayIconDir, argv = [], workingDirectory = process.cwd() } = this.#options;
    if (electron.desktop !== undefined) {
      this.#dropWindow = this.#createDropWindow(service);
      this.#desktop = new DesktopIntegration({
        service,
        electron: electron.desktop,
        iconDir: trayIconDir ?? null,
        platform: this.#platform,
        log: this.#options.log,
        preferredLanguages: () => this.#preferredLanguages(),
        shell: {
          showWindow: (view, entryId) => this.#showMainWindow(view, entryId),
          openFilesInWindow: (paths, options) => {
            this.#showMainWindow();
            this.#mailbox.openFiles(paths, options);
          },
          setDropWindow: (shown) => this.#dropWindow?.setShown(shown),
          isWindowFocused: () => this.#liveWindow()?.isFocused() ?? false,
          setProgressBar: (state) => this.#setProgressBar(state),
          setDockBadge: (text) => this.#options.electron.app.dock?.setBadge(text),
          quit: () => this.#options.electron.app.quit(),
        },
      });
      void this.#desktop.start();
    }
    // This start's own command line first, then whatever came while the service was starting.
    this.#launches.unshift({
      candidates: candidatePaths(argv, leadingArgCount(this.#options.defaultApp)),
      workingDirectory,
    });
    for (const launch of this.#launches.splice(0)) void this.#openLaunch(launch);
  }

  /** The drop window, when the build has its preload; it opens as the settings say (DesktopIntegration). */
  #createDropWindow(service: FerryService): DropWindow | null {
    const { dropPreloadPath, electron } = this.#options;
    if (dropPreloadPath === undefined) return null;
    return new DropWindow({
      BrowserWindow: electron.BrowserWindow,
      ipcMain: electron.ipcMain,
      preloadPath: dropPreloadPath,
      workArea: () => electron.screen?.getPrimaryDisplay().workArea ?? null,
      language: () => {
        const setting = service.settings().language;
        return setting === 'system' ? systemMainLanguage(this.#preferredLanguages()) : setting;
      },
      onPaths: (paths) => void this.#openDropped(paths),
      onClosedByUser: () => {
        if (this.#shutdown !== 'running' || this.#quitting) return;
        void service.dispatch('settings.update', { dropWindow: false }).catch((error: unknown) => {
          (this.#options.log ?? console).warn('Could not turn the drop window setting off', error);
        });
      },
      openExternal: this.#openExternal,
      log: this.#options.log,
    });
  }

  /**
   * Files dropped on the drop window: checked to exist, then to the default account, else to the
   * window's account picker, which remembers the choice. The one place its paths enter.
   */
  async #openDropped(paths: readonly string[]): Promise<void> {
    try {
      const existing = await existingPaths(paths, '/');
      if (existing.length === 0 || this.#desktop === null) return;
      await this.#desktop.openPaths(existing, { rememberAccount: true });
    } catch (error) {
      (this.#options.log ?? console).error('Could not upload the files dropped on the drop window', error);
    }
  }

  /** The OS's preferred languages, for strings in the `system` language. */
  #preferredLanguages(): readonly string[] {
    const { app } = this.#options.electron;
    try {
      return app.getPreferredSystemLanguages?.() ?? [app.getLocale()];
    } catch {
      return [];
    }
  }

  /** Files named by a start of Ferry: opened now, or once the service is ready. */
  #launch(argv: readonly string[], workingDirectory: string, leading: number): void {
    const launch = { candidates: candidatePaths(argv, leading), workingDirectory };
    if (launch.candidates.length === 0) return;
    if (this.#service === null || this.#shutdown !== 'running') this.#launches.push(launch);
    else void this.#openLaunch(launch);
  }

  async #openLaunch(launch: Launch): Promise<void> {
    if (launch.candidates.length === 0) return;
    try {
      const paths = await existingPaths(launch.candidates, launch.workingDirectory);
      const service = this.#service;
      if (paths.length === 0 || service === null || this.#shutdown !== 'running') return;
      // The OS handed Ferry these files: uploads.add may name them, from here or from the window.
      service.grantPaths(paths);
      if (this.#desktop !== null) {
        await this.#desktop.openPaths(paths);
      } else {
        this.#showMainWindow();
        this.#mailbox.openFiles(paths);
      }
    } catch (error) {
      (this.#options.log ?? console).error('Could not open the files Ferry was started with', error);
    }
  }

  get #platform(): NodeJS.Platform {
    return this.#options.platform ?? process.platform;
  }

  #liveWindow(): BrowserWindow | null {
    const window = this.#mainWindow;
    return window === null || window.isDestroyed() ? null : window;
  }

  #setProgressBar(state: ProgressBarState): void {
    const window = this.#liveWindow();
    if (window === null) return;
    if (state.mode === 'none') window.setProgressBar(-1);
    else window.setProgressBar(state.progress, { mode: state.mode });
  }

  #createMainWindow(): void {
    const window = createMainWindow({
      BrowserWindow: this.#options.electron.BrowserWindow,
      preloadPath: this.#options.preloadPath,
      openExternal: this.#openExternal,
      log: this.#options.log,
    });
    this.#windows.add(window.webContents);
    this.#mainWindow = window;
    this.#mailbox.windowCreated();
    window.on('close', (event) => {
      // Minimize to tray: closing hides the window and uploads go on. Only with a tray icon to come
      // back through, and never while quitting (the tray's Quit, the OS logging out).
      if (this.#quitting || this.#desktop?.hasTray !== true) return;
      if (this.#service?.settings().minimizeToTray !== true) return;
      event.preventDefault();
      window.hide();
    });
    window.on('closed', () => {
      if (this.#mainWindow === window) this.#mainWindow = null;
      // The drop window alone would keep the app alive where closing the last window quits it.
      if (this.#platform !== 'darwin' && this.#dropWindow?.isOpen === true && !this.#quitting)
        this.#options.electron.app.quit();
    });
  }

  /** Bring the main window forward (creating it again if it was closed), on `view` (and `entryId`) if given. */
  #showMainWindow(view?: AppView, entryId?: string): void {
    let window = this.#liveWindow();
    if (window === null) {
      if (this.#service === null || this.#shutdown !== 'running') return;
      // Shown by createMainWindow once painted.
      this.#createMainWindow();
      window = this.#liveWindow();
    } else {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    }
    if (window !== null && view !== undefined) this.#mailbox.navigate(view, entryId);
  }

  /** Bounded: a service that never finishes closing (or starting) must not keep the app from quitting. */
  async #close(): Promise<void> {
    const log = this.#options.log ?? console;
    const timeoutMs = this.#options.closeTimeoutMs ?? 5000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([this.#closeService().then(() => 'closed' as const), timeout]);
      if (outcome === 'timeout')
        log.warn(`The service did not close within ${timeoutMs} ms; quitting anyway.`);
    } catch (error) {
      log.error('The service failed to close cleanly', error);
    } finally {
      clearTimeout(timer);
    }
  }

  async #closeService(): Promise<void> {
    // Wait for a ready sequence still in flight, so a service it is creating gets closed too.
    await this.ready;
    this.#desktop?.dispose();
    this.#desktop = null;
    this.#dropWindow?.dispose();
    this.#dropWindow = null;
    this.#disposeIpc?.();
    this.#disposeIpc = null;
    const service = this.#service;
    this.#service = null;
    await service?.close();
  }

  #fail(error: unknown): void {
    const { app, dialog } = this.#options.electron;
    (this.#options.log ?? console).error('Ferry could not start', error);
    const detail = error instanceof Error ? error.message : String(error);
    // The settings (and their language) may be what failed to open: the system's language it is.
    const strings = mainStrings('system', () => this.#preferredLanguages());
    dialog.showErrorBox(strings.dialogs.couldNotStart, detail);
    // exit, not quit: there is nothing to close cleanly and will-quit must not wait on a broken service.
    app.exit(1);
  }
}
