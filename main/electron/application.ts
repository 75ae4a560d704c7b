import type { App, BrowserWindow, Dialog, IpcMain, Protocol, Session, Shell, WebContents } from 'electron';
import { join } from 'node:path';
import type { FerryService, ServiceOptions } from '../service.ts';
import { appScheme } from './app-origin.ts';
import { appSchemePrivileges, createAppProtocolHandler } from './app-protocol.ts';
import { wireIpc } from './ipc.ts';
import { createMainWindow, type BrowserWindowConstructor } from './main-window.ts';
import { createElectronCipher, type SafeStorageLike } from './safe-storage-cipher.ts';
import { installPermissionPolicy } from './permissions.ts';
import { createSenderCheck } from './trusted-sender.ts';
import { guardWebContents } from './web-contents-guard.ts';
import { createWindowRegistry } from './window-registry.ts';

/** The Electron modules the application uses, passed in so the lifecycle is testable without Electron. */
export interface ElectronModules {
  app: App;
  protocol: Protocol;
  session: { readonly defaultSession: Session };
  ipcMain: IpcMain;
  BrowserWindow: BrowserWindowConstructor;
  dialog: Pick<Dialog, 'showErrorBox'>;
  shell: Pick<Shell, 'openExternal'>;
  /** Encrypts the vault's secrets with the OS keychain; usable only after `ready`. */
  safeStorage: SafeStorageLike;
}

export interface ApplicationOptions {
  electron: ElectronModules;
  createService: (options: ServiceOptions) => Promise<FerryService>;
  /** The built renderer (out/renderer), served as app://ferry/. */
  rendererDir: string;
  /** The built, sandboxed preload (out/preload/index.cjs). */
  preloadPath: string;
  platform?: NodeJS.Platform;
  log?: Pick<Console, 'warn' | 'error'>;
  /** How long quitting waits for the service to close (journal flush, database) before giving up. */
  closeTimeoutMs?: number;
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

  constructor(options: ApplicationOptions) {
    this.#options = options;
  }

  readonly #openExternal = (url: string): Promise<void> => this.#options.electron.shell.openExternal(url);

  start(): void {
    const { app, protocol } = this.#options.electron;
    // Must happen before `ready`: Chromium fixes the scheme table when it starts.
    protocol.registerSchemesAsPrivileged([appSchemePrivileges]);

    if (!app.requestSingleInstanceLock()) {
      // Another Ferry owns the journal and the database; it was told to show itself.
      app.quit();
      return;
    }

    app.on('second-instance', () => this.#showMainWindow());
    app.on('web-contents-created', (_event, contents) => guardWebContents(contents, this.#openExternal));
    app.on('window-all-closed', () => {
      // macOS apps stay alive without windows; uploads keep running and the dock icon reopens one.
      if ((this.#options.platform ?? process.platform) !== 'darwin') app.quit();
    });
    app.on('activate', () => {
      if (this.#service !== null && this.#mainWindow === null) this.#createMainWindow();
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
        platform: this.#options.platform ?? process.platform,
        keyFile: join(dataDir, 'vault.key'),
      });
      const service = await this.#options.createService({ dataDir, cipher });
      this.#service = service;
      // The user quit while the service was starting: #close will close it; open no window.
      if (this.#shutdown !== 'running') return;
      this.#disposeIpc = wireIpc({
        ipcMain,
        service,
        isTrustedSender: createSenderCheck((id) => this.#windows.has(id)),
        eventTargets: () => this.#windows.list(),
        log: this.#options.log,
      });
      this.#createMainWindow();
    } catch (error) {
      this.#fail(error);
    }
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
    window.on('closed', () => {
      if (this.#mainWindow === window) this.#mainWindow = null;
    });
  }

  #showMainWindow(): void {
    const window = this.#mainWindow;
    if (window === null || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
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
    dialog.showErrorBox('Ferry could not start', detail);
    // exit, not quit: there is nothing to close cleanly and will-quit must not wait on a broken service.
    app.exit(1);
  }
}
