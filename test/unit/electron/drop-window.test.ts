import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createDropPreloadApi, dropWindowChannel } from '../../../main/electron/drop-preload-api.ts';
import { DropWindow, dropWindowSize } from '../../../main/electron/drop-window.ts';
import { secureWebPreferences, type BrowserWindowConstructor } from '../../../main/electron/main-window.ts';
import { FakeIpcMain, FakeWebContents, fakeFrame, fakeInvokeEvent, silentLog } from './fakes.ts';

// The drop window against a fake BrowserWindow and ipcMain (Electron binary unavailable).

type Options = ConstructorParameters<BrowserWindowConstructor>[0];

class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly options: Options;
  readonly webContents: FakeWebContents;
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly showInactive = vi.fn();
  destroyed = false;
  constructor(options: Options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents('app://ferry/drop.html?lang=en');
    FakeBrowserWindow.created.push(this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Electron destroys the window, then says 'closed'. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

function dropWindow() {
  FakeBrowserWindow.created = [];
  const ipcMain = new FakeIpcMain();
  const onPaths = vi.fn();
  const onClosedByUser = vi.fn();
  const instance = new DropWindow({
    BrowserWindow: FakeBrowserWindow as unknown as BrowserWindowConstructor,
    ipcMain,
    preloadPath: '/opt/ferry/out/preload/drop.cjs',
    workArea: () => ({ x: 0, y: 25, width: 1920, height: 1055 }),
    language: () => 'zh-CN',
    onPaths,
    onClosedByUser,
    log: silentLog,
  });
  return { instance, ipcMain, onPaths, onClosedByUser };
}

describe('drop window (fake BrowserWindow and ipcMain: Electron binary unavailable)', () => {
  it('is as locked down as the main window: the same webPreferences, with its own preload', () => {
    dropWindow().instance.setShown(true);
    const { options } = FakeBrowserWindow.created[0]!;
    expect(options.webPreferences).toEqual(secureWebPreferences('/opt/ferry/out/preload/drop.cjs'));
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(options).toMatchObject({
      frame: false,
      alwaysOnTop: true,
      skipTaskbar: true,
      resizable: false,
      show: false,
      width: dropWindowSize,
      height: dropWindowSize,
    });
  });

  it('opens in the bottom right corner of the work area on its app:// page, guarded like every window', () => {
    const { instance } = dropWindow();
    instance.setShown(true);
    instance.setShown(true);
    expect(FakeBrowserWindow.created).toHaveLength(1);
    const [window] = FakeBrowserWindow.created;
    expect(window!.options).toMatchObject({
      x: 1920 - dropWindowSize - 24,
      y: 25 + 1055 - dropWindowSize - 24,
    });
    expect(window!.loadURL).toHaveBeenCalledWith('app://ferry/drop.html?lang=zh-CN');
    window!.emit('ready-to-show');
    expect(window!.showInactive).toHaveBeenCalled(); // never steals the focus
    const navigation = { url: 'https://evil.example/', preventDefault: vi.fn() };
    window!.webContents.emit('will-navigate', navigation);
    expect(navigation.preventDefault).toHaveBeenCalled();
    expect(window!.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({
      action: 'deny',
    });
  });

  it('takes dropped paths only from its own window, as a bounded list of strings', async () => {
    const { instance, ipcMain, onPaths } = dropWindow();
    instance.setShown(true);
    const contents = FakeBrowserWindow.created[0]!.webContents;
    const drop = (event = fakeInvokeEvent(contents), payload: unknown = ['/home/me/a.png']) =>
      ipcMain.invoke(dropWindowChannel, event, payload);

    await expect(drop()).resolves.toBe(true);
    expect(onPaths).toHaveBeenCalledWith(['/home/me/a.png']);

    // Another window (the main window, say), a subframe, a frame gone: refused.
    await expect(drop(fakeInvokeEvent(new FakeWebContents('app://ferry/drop.html')))).resolves.toBe(false);
    await expect(
      drop(fakeInvokeEvent(contents, fakeFrame('app://ferry/drop.html', contents.mainFrame))),
    ).resolves.toBe(false);
    await expect(drop(fakeInvokeEvent(contents, null))).resolves.toBe(false);
    // Not a list of paths.
    for (const payload of ['/home/me/a.png', [], [42], [''], ['x'.repeat(5000)], null])
      await expect(drop(undefined, payload)).resolves.toBe(false);
    expect(onPaths).toHaveBeenCalledTimes(1);

    // Closed: its old contents are trusted no more.
    instance.setShown(false);
    await expect(drop()).resolves.toBe(false);
  });

  it('tells the settings when the user closes it, not when Ferry does', () => {
    const { instance, onClosedByUser } = dropWindow();
    instance.setShown(true);
    instance.setShown(false);
    expect(onClosedByUser).not.toHaveBeenCalled();
    instance.setShown(true);
    FakeBrowserWindow.created[1]!.close(); // Alt+F4
    expect(onClosedByUser).toHaveBeenCalledTimes(1);
    expect(instance.isOpen).toBe(false);
  });

  it('removes its IPC handler and closes on dispose', () => {
    const { instance, ipcMain } = dropWindow();
    instance.setShown(true);
    instance.dispose();
    expect(ipcMain.handlers.has(dropWindowChannel)).toBe(false);
    expect(FakeBrowserWindow.created[0]!.destroyed).toBe(true);
    instance.setShown(true);
    expect(FakeBrowserWindow.created).toHaveLength(1);
  });
});

describe("drop window's preload API (fake ipcRenderer and webUtils)", () => {
  it('hands over the paths of dropped files on its one channel, and nothing else', async () => {
    const invoke = vi.fn(async () => true);
    const api = createDropPreloadApi(
      { invoke },
      { getPathForFile: (file) => (file.name === 'web.png' ? '' : `/home/me/${file.name}`) },
    );
    expect(Object.keys(api)).toEqual(['dropFiles']);
    expect(Object.isFrozen(api)).toBe(true);
    const files = [new File(['a'], 'a.png'), new File(['b'], 'web.png')];
    await expect(api.dropFiles(files)).resolves.toBe(true);
    expect(invoke).toHaveBeenCalledWith(dropWindowChannel, ['/home/me/a.png']);
    // Only files without a path (dragged out of a web page): nothing is sent.
    await expect(api.dropFiles([new File(['b'], 'web.png')])).resolves.toBe(false);
    expect(invoke).toHaveBeenCalledTimes(1);
  });
});
