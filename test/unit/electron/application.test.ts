import { EventEmitter } from 'node:events';
import { defaultSettings } from '../../../shared/settings.ts';
import { describe, expect, it, vi } from 'vitest';
import { commandChannel, commandNames } from '../../../shared/channels.ts';
import type { FerryService, ServiceOptions } from '../../../main/service.ts';
import { Application, type ElectronModules } from '../../../main/electron/application.ts';
import { FakeIpcMain, FakeSafeStorage, FakeWebContents, fakeInvokeEvent, silentLog } from './fakes.ts';

/** Everything the Application touches, faked and recording one shared call log for order checks. */
function fakeElectron(options: { gotLock?: boolean } = {}) {
  const calls: string[] = [];
  let resolveReady!: () => void;
  const whenReady = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  class FakeApp extends EventEmitter {
    readonly quit = vi.fn(() => calls.push('app.quit'));
    readonly exit = vi.fn((code?: number) => calls.push(`app.exit:${code}`));
    requestSingleInstanceLock() {
      calls.push('app.requestSingleInstanceLock');
      return options.gotLock ?? true;
    }
    whenReady() {
      calls.push('app.whenReady');
      return whenReady;
    }
    getPath(name: string) {
      return `/home/user/.config/Ferry-${name}`;
    }
  }

  const windows: FakeWindow[] = [];
  class FakeWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    readonly options: unknown;
    readonly loadURL = vi.fn(async (url: string) => {
      calls.push(`window.loadURL:${url}`);
    });
    readonly show = vi.fn();
    readonly focus = vi.fn();
    readonly restore = vi.fn();
    minimized = false;
    constructor(options: unknown) {
      super();
      this.options = options;
      calls.push('new BrowserWindow');
      windows.push(this);
    }
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return this.minimized;
    }
  }

  type RequestHandler = (wc: unknown, p: string, cb: (granted: boolean) => void, d: object) => void;
  type CheckHandler = (wc: unknown, p: string, origin: string, d: object) => boolean;
  const session = {
    requestHandler: null as RequestHandler | null,
    checkHandler: null as CheckHandler | null,
    setPermissionRequestHandler(handler: RequestHandler | null) {
      calls.push('session.setPermissionRequestHandler');
      session.requestHandler = handler;
    },
    setPermissionCheckHandler(handler: CheckHandler | null) {
      calls.push('session.setPermissionCheckHandler');
      session.checkHandler = handler;
    },
  };

  const protocol = {
    handlers: new Map<string, (request: Request) => Promise<Response>>(),
    registerSchemesAsPrivileged: vi.fn(() => calls.push('protocol.registerSchemesAsPrivileged')),
    handle(scheme: string, handler: (request: Request) => Promise<Response>) {
      calls.push(`protocol.handle:${scheme}`);
      protocol.handlers.set(scheme, handler);
    },
  };

  const app = new FakeApp();
  const ipcMain = new FakeIpcMain();
  const dialog = { showErrorBox: vi.fn() };
  const shell = { openExternal: vi.fn(async () => {}) };
  const modules = {
    app,
    protocol,
    session: { defaultSession: session },
    ipcMain,
    BrowserWindow: FakeWindow,
    dialog,
    shell,
    safeStorage: new FakeSafeStorage(),
  } as unknown as ElectronModules;
  return { modules, app, protocol, session, ipcMain, dialog, windows, calls, resolveReady };
}

function fakeService(calls: string[]) {
  const service = {
    dispatch: vi.fn(async () => []),
    subscribe: vi.fn(() => () => undefined),
    stagingDir: '/tmp/staging',
    idle: async () => undefined,
    thumbnailPath: () => null,
    settings: () => defaultSettings,
    close: vi.fn(async () => {
      calls.push('service.close');
    }),
  };
  return service;
}

function start(
  options: {
    gotLock?: boolean;
    platform?: NodeJS.Platform;
    createService?: (o: ServiceOptions) => Promise<FerryService>;
  } = {},
) {
  const electron = fakeElectron(options);
  const service = fakeService(electron.calls);
  const createService =
    options.createService ??
    vi.fn(async (serviceOptions: ServiceOptions) => {
      electron.calls.push(`createService:${serviceOptions.dataDir}`);
      return service as FerryService;
    });
  const application = new Application({
    electron: electron.modules,
    createService,
    rendererDir: '/opt/ferry/out/renderer',
    preloadPath: '/opt/ferry/out/preload/index.cjs',
    platform: options.platform ?? 'linux',
    log: silentLog,
    closeTimeoutMs: 50,
  });
  application.start();
  return { ...electron, service, createService, application };
}

async function startReady(options: Parameters<typeof start>[0] = {}) {
  const started = start(options);
  started.resolveReady();
  await started.application.ready;
  return started;
}

describe('Application (fake Electron modules: Electron binary unavailable)', () => {
  it('registers the app scheme before ready, then builds everything in order', async () => {
    const { calls } = await startReady();
    expect(calls).toEqual([
      'protocol.registerSchemesAsPrivileged',
      'app.requestSingleInstanceLock',
      'app.whenReady',
      'session.setPermissionRequestHandler',
      'session.setPermissionCheckHandler',
      'protocol.handle:app',
      'createService:/home/user/.config/Ferry-userData',
      'new BrowserWindow',
      'window.loadURL:app://ferry/index.html',
    ]);
  });

  it('gives the service a vault cipher backed by the OS keychain (mocked safeStorage), not the key file', async () => {
    const { createService, modules } = await startReady();
    const options = vi.mocked(createService).mock.calls[0]![0];
    expect(options.cipher?.describe()).toMatchObject({ secure: true, kind: 'os-keychain' });
    const safeStorage = modules.safeStorage as FakeSafeStorage;
    const blob = options.cipher!.encrypt('a-user-sig');
    expect(safeStorage.encryptCalls).toBe(1);
    expect(safeStorage.decryptString(blob)).toBe('a-user-sig');
  });

  it('quits at once when another instance holds the lock', () => {
    const { calls, app } = start({ gotLock: false });
    expect(calls).toEqual([
      'protocol.registerSchemesAsPrivileged',
      'app.requestSingleInstanceLock',
      'app.quit',
    ]);
    expect(app.listenerCount('will-quit')).toBe(0);
  });

  it('denies permissions by default', async () => {
    const { session } = await startReady();
    const callback = vi.fn();
    session.requestHandler?.(null, 'media', callback, { requestingUrl: 'app://ferry/index.html' });
    expect(callback).toHaveBeenCalledWith(false);
    expect(session.checkHandler?.(null, 'geolocation', 'app://ferry', {})).toBe(false);
  });

  it('wires IPC so the main window (and only it) reaches the service', async () => {
    const { ipcMain, windows, service } = await startReady();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(commandNames.map(commandChannel).sort());
    const window = windows[0];
    if (window === undefined) throw new Error('no window');
    const channel = commandChannel('accounts.list');
    await expect(ipcMain.invoke(channel, fakeInvokeEvent(window.webContents), {})).resolves.toEqual({
      ok: true,
      response: [],
    });
    await expect(ipcMain.invoke(channel, fakeInvokeEvent(new FakeWebContents()), {})).resolves.toMatchObject({
      ok: false,
    });
    expect(service.dispatch).toHaveBeenCalledTimes(1);
  });

  it('guards every web contents created, not only the main window', async () => {
    const { app } = await startReady();
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    const event = { url: 'https://evil.example/', preventDefault: vi.fn() };
    contents.emit('will-navigate', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('focuses the existing window when a second instance starts', async () => {
    const { app, windows } = await startReady();
    const window = windows[0];
    if (window === undefined) throw new Error('no window');
    window.minimized = true;
    app.emit('second-instance', {}, [], '/');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });

  it('quits when the last window closes, except on macOS', async () => {
    const linux = await startReady({ platform: 'linux' });
    linux.app.emit('window-all-closed');
    expect(linux.app.quit).toHaveBeenCalled();

    const mac = await startReady({ platform: 'darwin' });
    mac.app.emit('window-all-closed');
    expect(mac.app.quit).not.toHaveBeenCalled();
  });

  it('closes the service on will-quit before letting the app quit', async () => {
    const { app, calls, ipcMain } = await startReady();
    const event = { preventDefault: vi.fn() };
    app.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(calls.indexOf('service.close')).toBeLessThan(calls.lastIndexOf('app.quit'));
    expect(ipcMain.handlers.size).toBe(0);

    // The second will-quit (from that app.quit) goes through.
    const again = { preventDefault: vi.fn() };
    app.emit('will-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('quits anyway when the service does not close in time', async () => {
    const { app, service } = await startReady();
    service.close.mockImplementation(() => new Promise<void>(() => undefined));
    app.emit('will-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
  });

  it('shows the error and exits when the service cannot start', async () => {
    const { dialog, app, windows } = await startReady({
      createService: async () => {
        throw new Error('database is locked');
      },
    });
    expect(dialog.showErrorBox).toHaveBeenCalledWith('Ferry could not start', 'database is locked');
    expect(app.exit).toHaveBeenCalledWith(1);
    expect(windows).toHaveLength(0);
  });
});
