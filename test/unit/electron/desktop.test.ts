import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DesktopIntegration, type DesktopShell } from '../../../main/electron/desktop.ts';
import type { FerryEvent } from '../../../shared/contract.ts';
import type { HistoryEntryView, TaskView } from '../../../shared/models.ts';
import { defaultSettings, type Settings } from '../../../shared/settings.ts';
import { entry, fakeDesktopElectron, FakeNotification, FakeTray, task } from './desktop-fakes.ts';

const quiet = { warn: () => undefined, error: () => undefined };

/** A service with real event delivery and canned answers; what it was asked is recorded. */
function fakeService(
  initial: { tasks?: TaskView[]; recent?: HistoryEntryView[]; settings?: Partial<Settings> } = {},
) {
  const listeners = new Set<(event: FerryEvent) => void>();
  let recent = initial.recent ?? [];
  let settings: Settings = { ...defaultSettings, ...initial.settings };
  const hostNotices = new Map<string, string>();
  const dispatch = vi.fn(async (name: unknown, request: unknown): Promise<unknown> => {
    switch (name) {
      case 'uploads.list':
        return initial.tasks ?? [];
      case 'history.list':
        return { entries: recent.slice(0, (request as { limit: number }).limit), nextCursor: null };
      case 'uploads.add':
        if ((request as { accountId: string }).accountId === 'deleted') throw new Error('No account');
        return { taskIds: ['t'] };
      case 'uploads.clipboard':
        return clipboardAnswer();
      case 'settings.update':
        settings = { ...settings, ...(request as Partial<Settings>) };
        for (const listener of listeners) listener({ name: 'settings.changed', payload: { settings } });
        return settings;
      default:
        return { taskIds: [] };
    }
  });
  let clipboardAnswer: () => unknown = () => ({ outcome: 'empty' });
  return {
    dispatch,
    grantPaths: vi.fn(),
    setHostNotice: (kind: string, message: string | null) => {
      if (message === null) hostNotices.delete(kind);
      else hostNotices.set(kind, message);
    },
    hostNotices,
    answerClipboard: (answer: () => unknown) => {
      clipboardAnswer = answer;
    },
    subscribe: (listener: (event: FerryEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    settings: () => settings,
    setSettings: (patch: Partial<Settings>) => {
      settings = { ...settings, ...patch };
    },
    setRecent: (entries: HistoryEntryView[]) => {
      recent = entries;
    },
    emit: (event: FerryEvent) => {
      for (const listener of listeners) listener(event);
    },
    listenerCount: () => listeners.size,
  };
}

function fakeShell(focused = false) {
  return {
    showWindow: vi.fn(),
    openFilesInWindow: vi.fn(),
    isWindowFocused: vi.fn(() => focused),
    setProgressBar: vi.fn(),
    setDockBadge: vi.fn(),
    setDropWindow: vi.fn(),
    quit: vi.fn(),
  } satisfies DesktopShell;
}

async function startDesktop(
  options: Parameters<typeof fakeService>[0] & { focused?: boolean; iconDir?: string | null } = {},
) {
  const service = fakeService(options);
  const electron = fakeDesktopElectron();
  const shell = fakeShell(options.focused);
  const desktop = new DesktopIntegration({
    service,
    electron: electron.modules,
    iconDir: options.iconDir === undefined ? '/opt/ferry/resources/tray' : options.iconDir,
    platform: 'darwin',
    shell,
    log: quiet,
    renderIntervalMs: 250,
  });
  await desktop.start();
  const tray = FakeTray.instances[0];
  return { service, electron, shell, desktop, tray };
}

const changed = (...tasks: TaskView[]): FerryEvent => ({ name: 'tasks.changed', payload: { tasks } });

describe('DesktopIntegration (mocked Electron tray, notifications, power blocker)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('puts up the tray with the recent uploads and copies one in the link format', async () => {
    const recent = [entry({ name: 'cat.png' }), entry({ name: 'dog.png' })];
    const { tray, electron, service } = await startDesktop({ recent, settings: { linkFormat: 'markdown' } });
    expect(tray?.item('cat.png')).toBeDefined();
    tray!.clickItem('dog.png');
    await vi.advanceTimersByTimeAsync(0);
    expect(electron.clipboard.text).toBe(`![dog.png](${recent[1]!.links[0]!.url})`);
    expect(service.dispatch).toHaveBeenCalledWith('history.list', { limit: 5 });
  });

  it('follows progress at most four times a second, in the tooltip, the taskbar and the dock', async () => {
    const { service, tray, shell, electron } = await startDesktop();
    const a = task({ size: 1000 });
    await vi.advanceTimersByTimeAsync(1000); // a while after start
    service.emit(changed({ ...a, state: 'uploading', transferredBytes: 100 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(tray!.toolTip).toBe('Ferry — 1 uploading, 10%');
    expect(shell.setProgressBar).toHaveBeenLastCalledWith({ progress: 0.1, mode: 'normal' });
    expect(shell.setDockBadge).toHaveBeenLastCalledWith('1');
    expect(electron.powerSaveBlocker.starts).toEqual(['prevent-app-suspension']);
    expect(electron.powerSaveBlocker.active.size).toBe(1);

    const renders = shell.setProgressBar.mock.calls.length;
    for (let sent = 200; sent <= 900; sent += 100) {
      service.emit(changed({ ...a, state: 'uploading', transferredBytes: sent }));
      await vi.advanceTimersByTimeAsync(50); // the engine reports every 100 ms or so
    }
    // 400 ms of reports: one or two renders, not eight; the last one shows the latest numbers.
    await vi.advanceTimersByTimeAsync(250);
    const rendered = shell.setProgressBar.mock.calls.length - renders;
    expect(rendered).toBeGreaterThanOrEqual(1);
    expect(rendered).toBeLessThanOrEqual(3);
    expect(tray!.toolTip).toBe('Ferry — 1 uploading, 90%');
    expect(electron.powerSaveBlocker.starts).toHaveLength(1);

    // Idle: at once, not a tick later.
    service.emit(changed({ ...a, state: 'done', transferredBytes: 1000, updatedAt: 9 }));
    expect(shell.setProgressBar).toHaveBeenLastCalledWith({ progress: -1, mode: 'none' });
    expect(shell.setDockBadge).toHaveBeenLastCalledWith('');
    expect(electron.powerSaveBlocker.active.size).toBe(0);
    expect(tray!.toolTip).toBe('Ferry');
  });

  it('notifies once per finished batch with the first link, and a click opens the history', async () => {
    const { service, shell } = await startDesktop();
    const a = task();
    const b = task();
    service.emit(changed(a, b));
    const first = entry();
    service.emit({ name: 'history.added', payload: { entry: first } });
    service.emit(changed({ ...a, state: 'done', historyId: first.id, updatedAt: 2 }));
    expect(FakeNotification.instances).toHaveLength(0);
    service.emit(
      changed({
        ...b,
        state: 'failed',
        error: { code: 'network', message: 'Connection reset.' },
        updatedAt: 2,
      }),
    );
    await vi.advanceTimersByTimeAsync(0); // the links are written to the clipboard first
    expect(FakeNotification.instances.map((n) => [n.title, n.body])).toEqual([
      ['1 link copied, 1 failed', first.links[0]!.url],
      [`Upload failed: ${b.name}`, 'Connection reset.'],
    ]);
    FakeNotification.instances[0]!.emit('click');
    expect(shell.showWindow).toHaveBeenCalledWith('history', first.id);
  });

  it('without copying (setting off), the notification shows the first link and copies nothing', async () => {
    const { service, electron } = await startDesktop({ settings: { copyLinksOnUpload: false } });
    const a = task();
    const first = entry();
    service.emit(changed(a));
    service.emit({ name: 'history.added', payload: { entry: first } });
    service.emit(changed({ ...a, state: 'done', historyId: first.id, updatedAt: 2 }));
    expect(FakeNotification.instances.map((n) => [n.title, n.body])).toEqual([
      [`Uploaded ${first.name}`, first.links[0]!.url],
    ]);
    expect(electron.clipboard.written).toEqual([]);
  });

  it('stays quiet while the window is focused, or when notifications are off', async () => {
    const focused = await startDesktop({ focused: true });
    const a = task();
    focused.service.emit(changed(a));
    focused.service.emit(changed({ ...a, state: 'done', updatedAt: 2 }));
    expect(FakeNotification.instances).toHaveLength(0);
    focused.desktop.dispose();

    const off = await startDesktop({ settings: { notifications: false } });
    const b = task();
    off.service.emit(changed(b));
    off.service.emit(changed({ ...b, state: 'done', updatedAt: 2 }));
    expect(FakeNotification.instances).toHaveLength(0);
  });

  it('counts uploads resumed at start (announced before it subscribed) from uploads.list', async () => {
    const resumed = task({ state: 'uploading', transferredBytes: 50 });
    const { tray, shell, service } = await startDesktop({ tasks: [resumed, task({ state: 'failed' })] });
    expect(tray!.toolTip).toBe('Ferry — 1 uploading, 50%');
    expect(tray!.item('Pause all')?.enabled).toBe(true);
    tray!.clickItem('Pause all');
    expect(service.dispatch).toHaveBeenCalledWith('uploads.pauseAll', {});
    service.emit(changed({ ...resumed, state: 'paused', updatedAt: 2 }));
    expect(shell.setProgressBar).toHaveBeenLastCalledWith({ progress: -1, mode: 'none' });
    expect(tray!.item('Resume all')?.enabled).toBe(true);
    tray!.clickItem('Resume all');
    expect(service.dispatch).toHaveBeenCalledWith('uploads.resumeAll', {});
    tray!.clickItem('Open Ferry');
    expect(shell.showWindow).toHaveBeenCalledWith();
    tray!.clickItem('Quit Ferry');
    expect(shell.quit).toHaveBeenCalled();
  });

  it('updates the recent uploads when the history changes', async () => {
    const { service, tray } = await startDesktop();
    expect(tray!.item('No uploads yet')).toBeDefined();
    const added = entry({ name: 'new.png' });
    service.setRecent([added]);
    service.emit({ name: 'history.added', payload: { entry: added } });
    await vi.advanceTimersByTimeAsync(300);
    expect(tray!.item('new.png')).toBeDefined();
    service.setRecent([]);
    service.emit({ name: 'history.removed', payload: { ids: [added.id] } });
    await vi.advanceTimersByTimeAsync(300);
    expect(tray!.item('new.png')).toBeUndefined();
  });

  it('uploads files dropped on the tray to the default account, else hands them to the window', async () => {
    const withDefault = await startDesktop({ settings: { defaultAccountId: 'acc-1' } });
    withDefault.tray!.emit('drop-files', {}, ['/Users/me/a.png']);
    await vi.advanceTimersByTimeAsync(0);
    // The OS handed these over (a drop on the tray icon): granted, then named in uploads.add.
    expect(withDefault.service.grantPaths).toHaveBeenCalledExactlyOnceWith(['/Users/me/a.png']);
    expect(withDefault.service.dispatch).toHaveBeenCalledWith('uploads.add', {
      paths: ['/Users/me/a.png'],
      accountId: 'acc-1',
    });
    expect(withDefault.shell.openFilesInWindow).not.toHaveBeenCalled();
    withDefault.desktop.dispose();

    const none = await startDesktop();
    await expect(none.desktop.openPaths(['/Users/me/b.png'])).resolves.toBe('window');
    expect(none.shell.openFilesInWindow).toHaveBeenCalledWith(['/Users/me/b.png'], {});
    expect(none.service.dispatch).not.toHaveBeenCalledWith('uploads.add', expect.anything());

    // A default account that no longer takes uploads: the window asks instead of losing the files.
    const stale = await startDesktop({ settings: { defaultAccountId: 'deleted' } });
    await expect(stale.desktop.openPaths(['/Users/me/c.png'])).resolves.toBe('window');
  });

  it('lets go of everything on dispose: subscription, tray, power blocker', async () => {
    const { service, desktop, tray, electron } = await startDesktop();
    service.emit(changed(task({ state: 'uploading' })));
    await vi.advanceTimersByTimeAsync(250);
    expect(electron.powerSaveBlocker.active.size).toBe(1);
    desktop.dispose();
    expect(service.listenerCount()).toBe(0);
    expect(tray!.destroyed).toBe(true);
    expect(electron.powerSaveBlocker.active.size).toBe(0);
  });

  it('works without a tray icon', async () => {
    const { desktop, service, shell } = await startDesktop({ iconDir: null });
    expect(desktop.hasTray).toBe(false);
    expect(FakeTray.instances).toHaveLength(0);
    service.emit(changed(task({ state: 'uploading', size: null })));
    await vi.advanceTimersByTimeAsync(250);
    expect(shell.setProgressBar).toHaveBeenLastCalledWith({ progress: 2, mode: 'indeterminate' });
  });
});

describe('DesktopIntegration: the clipboard loop (fake globalShortcut, clipboard, Notification: Electron binary unavailable)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const accelerator = 'CommandOrControl+Alt+Shift+U';

  it('registers the shortcut from the settings; pressing it uploads the clipboard', async () => {
    const { electron, service, tray } = await startDesktop();
    expect(electron.globalShortcut.isRegistered(accelerator)).toBe(true);
    electron.globalShortcut.press(accelerator);
    await vi.advanceTimersByTimeAsync(0);
    expect(service.dispatch).toHaveBeenCalledWith('uploads.clipboard', {});
    // The tray shows it as the hint of "Upload clipboard", which does the same.
    expect(tray!.item('Upload clipboard')?.accelerator).toBe(accelerator);
    service.dispatch.mockClear();
    tray!.clickItem('Upload clipboard');
    expect(service.dispatch).toHaveBeenCalledWith('uploads.clipboard', {});
  });

  it('shows a shortcut another app holds as a notice, in the app language, and clears it once one registers', async () => {
    const service = fakeService();
    const electron = fakeDesktopElectron();
    electron.globalShortcut.takenByOthers.add(accelerator);
    const desktop = new DesktopIntegration({
      service,
      electron: electron.modules,
      iconDir: '/opt/ferry/resources/tray',
      platform: 'linux',
      shell: fakeShell(),
      log: quiet,
    });
    await desktop.start();
    expect(service.hostNotices.get('shortcut-unavailable')).toMatch(
      new RegExp(`^Ferry could not set ${accelerator.replaceAll('+', '\\+')} .*another app`),
    );
    expect(FakeTray.instances[0]!.item('Upload clipboard')?.accelerator).toBeUndefined();

    await service.dispatch('settings.update', { language: 'zh-CN' });
    expect(service.hostNotices.get('shortcut-unavailable')).toMatch(
      /^Ferry 无法将 .* 设为上传剪贴板的快捷键/,
    );

    await service.dispatch('settings.update', { clipboardShortcut: 'Alt+F9' });
    expect(service.hostNotices.has('shortcut-unavailable')).toBe(false);
    expect(electron.globalShortcut.isRegistered('Alt+F9')).toBe(true);
    expect(FakeTray.instances[0]!.item('上传剪贴板')?.accelerator).toBe('Alt+F9');

    desktop.dispose();
    expect(electron.globalShortcut.registered.size).toBe(0);
  });

  it('with no default account, opens the window on the account picker, which remembers the choice', async () => {
    const { service, shell, desktop } = await startDesktop();
    service.answerClipboard(() => ({
      outcome: 'needs-account',
      paths: ['/data/staging/x/Screenshot 2026-12-04 17.06.03.png'],
      source: 'image',
    }));
    await expect(desktop.uploadClipboard()).resolves.toBe('needs-account');
    expect(shell.openFilesInWindow).toHaveBeenCalledWith(
      ['/data/staging/x/Screenshot 2026-12-04 17.06.03.png'],
      {
        rememberAccount: true,
      },
    );
  });

  it('says so when the clipboard holds nothing to upload, or the upload is refused', async () => {
    const { service, desktop } = await startDesktop();
    await expect(desktop.uploadClipboard()).resolves.toBe('empty');
    service.answerClipboard(() => {
      throw Object.assign(new Error('Account not found: gone.'), { code: 'account-not-found' });
    });
    await expect(desktop.uploadClipboard()).resolves.toBe('failed');
    expect(FakeNotification.instances.map((n) => [n.title, n.body])).toEqual([
      ['Nothing to upload', 'The clipboard holds no image and no copied file.'],
      ['Could not upload the clipboard', 'Account not found: gone.'],
    ]);
  });

  it("copies a batch's links one per line in input order, in the link format, and a click opens the first entry", async () => {
    const { service, electron, shell } = await startDesktop({ settings: { linkFormat: 'markdown' } });
    const [a, b, c] = [task(), task(), task()];
    const [ea, eb] = [entry({ name: 'first.png' }), entry({ name: 'second.png' })];
    service.emit(changed(a, b, c));
    // Finished out of order: the clipboard keeps the order the files were given in.
    service.emit({ name: 'history.added', payload: { entry: eb } });
    service.emit(changed({ ...b, state: 'done', historyId: eb.id, updatedAt: 2 }));
    service.emit({ name: 'history.added', payload: { entry: ea } });
    service.emit(changed({ ...a, state: 'done', historyId: ea.id, updatedAt: 3 }));
    service.emit(changed({ ...c, state: 'cancelled', updatedAt: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    const lines = [`![first.png](${ea.links[0]!.url})`, `![second.png](${eb.links[0]!.url})`];
    expect(electron.clipboard.written).toEqual([lines.join('\n')]);
    expect(FakeNotification.instances.map((n) => [n.title, n.body])).toEqual([
      ['2 links copied', `${lines[0]} (and 1 more)`],
    ]);
    FakeNotification.instances[0]!.emit('click');
    expect(shell.showWindow).toHaveBeenCalledWith('history', ea.id);
  });

  it('shows and hides the drop window as the setting says; the tray toggles the setting', async () => {
    const { service, shell, tray } = await startDesktop();
    expect(shell.setDropWindow).toHaveBeenLastCalledWith(false);
    tray!.clickItem('Drop window');
    await vi.advanceTimersByTimeAsync(0);
    expect(service.dispatch).toHaveBeenCalledWith('settings.update', { dropWindow: true });
    expect(shell.setDropWindow).toHaveBeenLastCalledWith(true);
    expect(tray!.item('Drop window')?.checked).toBe(true);
  });
});
