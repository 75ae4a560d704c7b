import { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings, type Settings } from '../../../shared/settings.ts';
import type { FerryEvent } from '../../../shared/contract.ts';
import { describe, expect, it, vi } from 'vitest';
import { commandChannel, commandNames } from '../../../shared/channels.ts';
import type { FerryService, ServiceOptions } from '../../../main/service.ts';
import { Application, type ElectronModules } from '../../../main/electron/application.ts';
import { FakeIpcMain, FakeSafeStorage, FakeWebContents, fakeInvokeEvent, silentLog } from './fakes.ts';
import { dropWindowChannel } from '../../../main/electron/drop-preload-api.ts';
import { entry, fakeDesktopElectron, FakeNotification, FakeTray, task } from './desktop-fakes.ts';
import { tempDir } from '../../support/temp.ts';

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
    readonly hide = vi.fn();
    readonly showInactive = vi.fn();
    readonly setProgressBar = vi.fn();
    minimized = false;
    focused = false;
    destroyed = false;
    constructor(options: unknown) {
      super();
      this.options = options;
      calls.push('new BrowserWindow');
      windows.push(this);
    }
    isDestroyed() {
      return this.destroyed;
    }
    close() {
      this.destroyed = true;
      this.emit('closed');
    }
    isMinimized() {
      return this.minimized;
    }
    isFocused() {
      return this.focused;
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
  const shell = { openExternal: vi.fn(async () => {}), showItemInFolder: vi.fn() };
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

function fakeService(calls: string[], settings: Settings = defaultSettings) {
  const listeners = new Set<(event: FerryEvent) => void>();
  const service = {
    dispatch: vi.fn(async (name: unknown): Promise<unknown> => {
      if (name === 'history.list') return { entries: [], nextCursor: null };
      if (name === 'uploads.add') return { taskIds: ['t'] };
      if (name === 'uploads.clipboard')
        return { outcome: 'needs-account', paths: ['/staging/u/Screenshot.png'], source: 'image' };
      return [];
    }),
    subscribe: vi.fn((listener: (event: FerryEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
    emit: (event: FerryEvent) => {
      for (const listener of listeners) listener(event);
    },
    stagingDir: '/tmp/staging',
    grantPaths: vi.fn(),
    idle: async () => undefined,
    thumbnailPath: () => null,
    settings: () => settings,
    setHostNotice: vi.fn(),
    recoveredAtStart: null,
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
    /** Also pass the (mocked) tray, notification and power-blocker modules. */
    desktop?: boolean;
    settings?: Partial<Settings>;
    argv?: string[];
    workingDirectory?: string;
    /** Build with the drop window's preload. */
    dropWindow?: boolean;
  } = {},
) {
  const electron = fakeElectron(options);
  const desktop = fakeDesktopElectron();
  if (options.desktop === true) electron.modules.desktop = desktop.modules;
  const service = fakeService(electron.calls, { ...defaultSettings, ...options.settings });
  const createService =
    options.createService ??
    vi.fn(async (serviceOptions: ServiceOptions) => {
      electron.calls.push(`createService:${serviceOptions.dataDir}`);
      return service as unknown as FerryService;
    });
  const application = new Application({
    electron: electron.modules,
    createService,
    rendererDir: '/opt/ferry/out/renderer',
    preloadPath: '/opt/ferry/out/preload/index.cjs',
    ...(options.dropWindow === true ? { dropPreloadPath: '/opt/ferry/out/preload/drop.cjs' } : {}),
    platform: options.platform ?? 'linux',
    log: silentLog,
    closeTimeoutMs: 50,
    trayIconDir: '/opt/ferry/resources/tray',
    argv: options.argv,
    workingDirectory: options.workingDirectory,
  });
  application.start();
  return { ...electron, desktop, service, createService, application };
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

  it('gives the service the OS "show in folder" and the downloads folder for exports (mocked shell)', async () => {
    const { createService, modules } = await startReady();
    const options = vi.mocked(createService).mock.calls[0]![0];
    expect(options.exportDir).toBe('/home/user/.config/Ferry-downloads');
    options.showItemInFolder!('/home/user/photo.png');
    expect(modules.shell.showItemInFolder).toHaveBeenCalledWith('/home/user/photo.png');
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

describe('Application desktop integration (fake Electron modules: Electron binary unavailable)', () => {
  /** What the renderer would see on its event channel. */
  function eventsSentTo(contents: FakeWebContents): unknown[] {
    return contents.sent
      .filter((message) => message.channel === 'ferry:event')
      .map((message) => message.args[0]);
  }

  async function rendererListens(ipcMain: FakeIpcMain, contents: FakeWebContents): Promise<void> {
    await ipcMain.invoke(commandChannel('uploads.list'), fakeInvokeEvent(contents), {});
  }

  function tempFiles(...names: string[]): string {
    const dir = tempDir('ferry-app-');
    for (const name of names) writeFileSync(join(dir, name), name);
    return dir;
  }

  it('puts up a tray icon from the folder it is given', async () => {
    await startReady({ desktop: true });
    expect(FakeTray.instances).toHaveLength(1);
    expect(FakeTray.instances[0]!.image).toEqual({ path: '/opt/ferry/resources/tray/tray.png' });
  });

  it('hides the window in the tray on close when minimizeToTray, and really closes when quitting', async () => {
    const { windows, app } = await startReady({ desktop: true });
    const window = windows[0]!;
    const close = { preventDefault: vi.fn() };
    window.emit('close', close);
    expect(close.preventDefault).toHaveBeenCalled();
    expect(window.hide).toHaveBeenCalled();

    app.emit('before-quit');
    const closeWhileQuitting = { preventDefault: vi.fn() };
    window.emit('close', closeWhileQuitting);
    expect(closeWhileQuitting.preventDefault).not.toHaveBeenCalled();
  });

  it('closes the window when minimizeToTray is off, or there is no tray to come back through', async () => {
    const off = await startReady({ desktop: true, settings: { minimizeToTray: false } });
    const close = { preventDefault: vi.fn() };
    off.windows[0]!.emit('close', close);
    expect(close.preventDefault).not.toHaveBeenCalled();

    const noTray = await startReady();
    const again = { preventDefault: vi.fn() };
    noTray.windows[0]!.emit('close', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('enqueues files named on the command line or by a second instance to the default account', async () => {
    const dir = tempFiles('a.png', 'b.png');
    const { service, app } = await startReady({
      desktop: true,
      settings: { defaultAccountId: 'acc-1' },
      argv: ['/opt/Ferry/ferry', '--no-sandbox', 'a.png', 'missing.png'],
      workingDirectory: dir,
    });
    await vi.waitFor(() =>
      expect(service.dispatch).toHaveBeenCalledWith('uploads.add', {
        paths: [join(dir, 'a.png')],
        accountId: 'acc-1',
      }),
    );
    // The OS handed Ferry these files: granted before they are named in uploads.add.
    expect(service.grantPaths).toHaveBeenCalledExactlyOnceWith([join(dir, 'a.png')]);
    expect(vi.mocked(service.grantPaths).mock.invocationCallOrder[0]).toBeLessThan(
      vi.mocked(service.dispatch).mock.invocationCallOrder.at(-1)!,
    );

    app.emit('second-instance', {}, ['/opt/Ferry/ferry', '--original-process-start-time=1', 'b.png'], dir);
    await vi.waitFor(() =>
      expect(service.dispatch).toHaveBeenCalledWith('uploads.add', {
        paths: [join(dir, 'b.png')],
        accountId: 'acc-1',
      }),
    );
    // A second instance with nothing to open only shows the window.
    vi.mocked(service.dispatch).mockClear();
    app.emit('second-instance', {}, ['/opt/Ferry/ferry'], dir);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(service.dispatch).not.toHaveBeenCalledWith('uploads.add', expect.anything());
  });

  it('hands files opened before ready (macOS open-file) to the window once it listens, with no default account', async () => {
    const dir = tempFiles('c.png');
    const started = start({ desktop: true, platform: 'darwin' });
    const openFile = { preventDefault: vi.fn() };
    started.app.emit('open-file', openFile, join(dir, 'c.png'));
    expect(openFile.preventDefault).toHaveBeenCalled();
    started.resolveReady();
    await started.application.ready;
    const contents = started.windows[0]!.webContents;
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The renderer has not subscribed yet: nothing is sent into the void.
    expect(eventsSentTo(contents)).toEqual([]);
    await rendererListens(started.ipcMain, contents);
    // Handed over after the grant, which may take a turn of the event loop on a loaded machine.
    await vi.waitFor(() =>
      expect(eventsSentTo(contents)).toEqual([
        { name: 'app.openFiles', payload: { paths: [join(dir, 'c.png')] } },
      ]),
    );
    // The window will name them in uploads.add: they were granted when the OS handed them over.
    expect(started.service.grantPaths).toHaveBeenCalledExactlyOnceWith([join(dir, 'c.png')]);
    expect(started.service.dispatch).not.toHaveBeenCalledWith('uploads.add', expect.anything());
  });

  it('notifies a finished batch; the click shows the window on the history view', async () => {
    const { service, windows, ipcMain } = await startReady({ desktop: true });
    const window = windows[0]!;
    await rendererListens(ipcMain, window.webContents);
    const a = task();
    service.emit({ name: 'tasks.changed', payload: { tasks: [a] } });
    service.emit({ name: 'tasks.changed', payload: { tasks: [{ ...a, state: 'done', updatedAt: 2 }] } });
    expect(FakeNotification.instances.map((n) => n.title)).toEqual(['1 file uploaded']);
    FakeNotification.instances[0]!.emit('click');
    expect(window.show).toHaveBeenCalled();
    expect(eventsSentTo(window.webContents)).toContainEqual({
      name: 'app.navigate',
      payload: { view: 'history' },
    });
    // The taskbar progress is cleared once the queue is idle.
    expect(window.setProgressBar).toHaveBeenLastCalledWith(-1);
  });

  it('does not notify while the window has the focus', async () => {
    const { service, windows } = await startReady({ desktop: true });
    windows[0]!.focused = true;
    const a = task();
    service.emit({ name: 'tasks.changed', payload: { tasks: [a] } });
    service.emit({ name: 'tasks.changed', payload: { tasks: [{ ...a, state: 'done', updatedAt: 2 }] } });
    expect(FakeNotification.instances).toHaveLength(0);
  });

  it('takes the tray down and releases the power blocker when quitting', async () => {
    const { service, app, desktop } = await startReady({ desktop: true });
    service.emit({ name: 'tasks.changed', payload: { tasks: [task({ state: 'uploading' })] } });
    await vi.waitFor(() => expect(desktop.powerSaveBlocker.active.size).toBe(1));
    app.emit('will-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(FakeTray.instances[0]!.destroyed).toBe(true);
    expect(desktop.powerSaveBlocker.active.size).toBe(0);
  });

  it("gives the service Electron's clipboard (mocked) for uploads.clipboard", async () => {
    const { createService, desktop } = await startReady({ desktop: true });
    const options = vi.mocked(createService).mock.calls[0]![0];
    expect(options.clipboard).toBe(desktop.modules.clipboard);
  });

  it('the shortcut with no default account opens the window on the account picker, remembering the choice', async () => {
    const { windows, ipcMain, desktop } = await startReady({ desktop: true });
    const contents = windows[0]!.webContents;
    await rendererListens(ipcMain, contents);
    desktop.globalShortcut.press('CommandOrControl+Alt+Shift+U');
    await vi.waitFor(() =>
      expect(eventsSentTo(contents)).toContainEqual({
        name: 'app.openFiles',
        payload: { paths: ['/staging/u/Screenshot.png'], rememberAccount: true },
      }),
    );
    expect(windows[0]!.show).toHaveBeenCalled();
  });

  it('a click on the "link copied" notification opens the window on that history entry', async () => {
    const { service, windows, ipcMain, desktop } = await startReady({ desktop: true });
    const window = windows[0]!;
    await rendererListens(ipcMain, window.webContents);
    const a = task();
    const uploaded = entry();
    service.emit({ name: 'tasks.changed', payload: { tasks: [a] } });
    service.emit({ name: 'history.added', payload: { entry: uploaded } });
    service.emit({
      name: 'tasks.changed',
      payload: { tasks: [{ ...a, state: 'done', historyId: uploaded.id, updatedAt: 2 }] },
    });
    await vi.waitFor(() => expect(FakeNotification.instances).toHaveLength(1));
    expect(desktop.clipboard.text).toBe(uploaded.links[0]!.url);
    FakeNotification.instances[0]!.emit('click');
    expect(eventsSentTo(window.webContents)).toContainEqual({
      name: 'app.navigate',
      payload: { view: 'history', entryId: uploaded.id },
    });
  });

  describe('the drop window', () => {
    it('opens when the setting says so, locked down, outside the windows the contract trusts', async () => {
      const { windows, ipcMain } = await startReady({
        desktop: true,
        dropWindow: true,
        settings: { dropWindow: true },
      });
      expect(windows).toHaveLength(2);
      const drop = windows[1]!;
      expect(drop.options).toMatchObject({
        frame: false,
        alwaysOnTop: true,
        webPreferences: { preload: '/opt/ferry/out/preload/drop.cjs', sandbox: true, contextIsolation: true },
      });
      expect(drop.loadURL).toHaveBeenCalledWith('app://ferry/drop.html?lang=en');
      // Its page reaches no contract command.
      const answer = await ipcMain.invoke(
        commandChannel('accounts.list'),
        fakeInvokeEvent(drop.webContents),
        {},
      );
      expect(answer).toMatchObject({ ok: false });
      // Nor does it get the service's events.
      expect(eventsSentTo(drop.webContents)).toEqual([]);
    });

    it('uploads what is dropped on it to the default account', async () => {
      const dir = tempFiles('dropped.png');
      const { windows, ipcMain, service } = await startReady({
        desktop: true,
        dropWindow: true,
        settings: { dropWindow: true, defaultAccountId: 'acc-1' },
      });
      const drop = windows[1]!;
      const path = join(dir, 'dropped.png');
      await expect(
        ipcMain.invoke(dropWindowChannel, fakeInvokeEvent(drop.webContents), [
          path,
          join(dir, 'missing.png'),
        ]),
      ).resolves.toBe(true);
      await vi.waitFor(() =>
        expect(service.dispatch).toHaveBeenCalledWith('uploads.add', { paths: [path], accountId: 'acc-1' }),
      );
    });

    it('with no default account, hands the files to the window, which remembers the account picked', async () => {
      const dir = tempFiles('dropped.png');
      const { windows, ipcMain } = await startReady({
        desktop: true,
        dropWindow: true,
        settings: { dropWindow: true },
      });
      const [main, drop] = [windows[0]!, windows[1]!];
      await rendererListens(ipcMain, main.webContents);
      const path = join(dir, 'dropped.png');
      await ipcMain.invoke(dropWindowChannel, fakeInvokeEvent(drop.webContents), [path]);
      await vi.waitFor(() =>
        expect(eventsSentTo(main.webContents)).toContainEqual({
          name: 'app.openFiles',
          payload: { paths: [path], rememberAccount: true },
        }),
      );
    });

    it('does not keep the app alive once the main window is closed (Linux, Windows)', async () => {
      const { windows, app } = await startReady({
        desktop: true,
        dropWindow: true,
        settings: { dropWindow: true, minimizeToTray: false },
      });
      windows[0]!.close();
      expect(app.quit).toHaveBeenCalled();
    });
  });
});
