import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import {
  createMainWindow,
  secureWebPreferences,
  type BrowserWindowConstructor,
} from '../../../main/electron/main-window.ts';
import {
  decideWindowOpen,
  guardWebContents,
  type GuardedContents,
} from '../../../main/electron/web-contents-guard.ts';
import { FakeWebContents } from './fakes.ts';

type BrowserWindowConstructorOptions = ConstructorParameters<BrowserWindowConstructor>[0];

/** A `BrowserWindow` stand-in that records what it was built with and what it loaded. */
class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly show = vi.fn();

  constructor(options: BrowserWindowConstructorOptions) {
    super();
    this.options = options;
    FakeBrowserWindow.created.push(this);
  }
}

const asConstructor = (ctor: typeof FakeBrowserWindow) => ctor as unknown as BrowserWindowConstructor;
const asGuarded = (contents: FakeWebContents) => contents as unknown as GuardedContents;

/** Emit an Electron-style event object whose `preventDefault` can be observed. */
function emitPreventable(contents: EventEmitter, name: string, url?: string): boolean {
  const event = { url, preventDefault: vi.fn() };
  contents.emit(name, event);
  return event.preventDefault.mock.calls.length > 0;
}

describe('secureWebPreferences', () => {
  it('sets every security-relevant key, with the preload path', () => {
    expect(secureWebPreferences('/opt/ferry/out/preload/index.cjs')).toEqual({
      preload: '/opt/ferry/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      enableWebSQL: false,
      safeDialogs: true,
    });
  });

  it('leaves enableBlinkFeatures unset', () => {
    expect(secureWebPreferences('/p')).not.toHaveProperty('enableBlinkFeatures');
  });
});

describe('createMainWindow (fake BrowserWindow: Electron binary unavailable)', () => {
  it('builds a hidden window with the secure preferences and loads the app entry', () => {
    const window = createMainWindow({
      BrowserWindow: asConstructor(FakeBrowserWindow),
      preloadPath: '/out/preload/index.cjs',
    });
    const fake = window as unknown as FakeBrowserWindow;
    expect(fake.options.webPreferences).toEqual(secureWebPreferences('/out/preload/index.cjs'));
    expect(fake.options.show).toBe(false);
    expect(fake.loadURL).toHaveBeenCalledWith('app://ferry/index.html');
    expect(fake.show).not.toHaveBeenCalled();
    fake.emit('ready-to-show');
    expect(fake.show).toHaveBeenCalledTimes(1);
  });

  it('guards its web contents: no navigation away, no new windows', () => {
    const window = createMainWindow({ BrowserWindow: asConstructor(FakeBrowserWindow), preloadPath: '/p' });
    const contents = (window as unknown as FakeBrowserWindow).webContents;
    expect(emitPreventable(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(emitPreventable(contents, 'will-navigate', 'app://ferry/index.html#/history')).toBe(false);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('logs instead of throwing when the page cannot load', async () => {
    class FailingWindow extends FakeBrowserWindow {
      override readonly loadURL = vi.fn(async () => {
        throw new Error('ERR_FILE_NOT_FOUND');
      });
    }
    const log = { error: vi.fn() };
    createMainWindow({ BrowserWindow: asConstructor(FailingWindow), preloadPath: '/p', log });
    await vi.waitFor(() => expect(log.error).toHaveBeenCalled());
  });
});

describe('guardWebContents (fake WebContents: Electron binary unavailable)', () => {
  it.each([
    ['https://evil.example/', true],
    ['http://127.0.0.1:5173/', true],
    ['file:///etc/passwd', true],
    ['app://other/index.html', true],
    ['app://ferry/index.html', false],
  ])('will-navigate and will-redirect to %s: prevented=%s', (url, prevented) => {
    const contents = new FakeWebContents();
    guardWebContents(asGuarded(contents));
    expect(emitPreventable(contents, 'will-navigate', url)).toBe(prevented);
    expect(emitPreventable(contents, 'will-redirect', url)).toBe(prevented);
  });

  it('denies every <webview> attachment', () => {
    const contents = new FakeWebContents();
    guardWebContents(asGuarded(contents));
    expect(emitPreventable(contents, 'will-attach-webview')).toBe(true);
  });

  it('is idempotent: a second guard adds no second listener', () => {
    const contents = new FakeWebContents();
    guardWebContents(asGuarded(contents));
    guardWebContents(asGuarded(contents));
    expect(contents.listenerCount('will-navigate')).toBe(1);
  });
});

describe('decideWindowOpen', () => {
  it.each(['https://example.com/d/1', 'http://127.0.0.1:4000/download/abc?type=1'])(
    'hands the web link %s to the system browser and opens no window',
    (url) => {
      const openExternal = vi.fn(async () => {});
      expect(decideWindowOpen({ url }, openExternal)).toEqual({ action: 'deny' });
      expect(openExternal).toHaveBeenCalledWith(url);
    },
  );

  it.each([
    'app://ferry/index.html',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://share/x.exe',
    'https://user:pass@example.com/',
    'not a url',
  ])('opens nothing at all for %s', (url) => {
    const openExternal = vi.fn(async () => {});
    expect(decideWindowOpen({ url }, openExternal)).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('survives a failing openExternal (no browser configured)', async () => {
    const openExternal = vi.fn(async () => {
      throw new Error('no handler');
    });
    expect(decideWindowOpen({ url: 'https://example.com/' }, openExternal)).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(openExternal).toHaveBeenCalledTimes(1);
  });
});
