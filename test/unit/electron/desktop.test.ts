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
  const dispatch = vi.fn(async (name: unknown, request: unknown): Promise<unknown> => {
    switch (name) {
      case 'uploads.list':
        return initial.tasks ?? [];
      case 'history.list':
        return { entries: recent.slice(0, (request as { limit: number }).limit), nextCursor: null };
      case 'uploads.add':
        if ((request as { accountId: string }).accountId === 'deleted') throw new Error('No account');
        return { taskIds: ['t'] };
      default:
        return { taskIds: [] };
    }
  });
  return {
    dispatch,
    grantPaths: vi.fn(),
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
    expect(FakeNotification.instances.map((n) => [n.title, n.body])).toEqual([
      ['1 file uploaded, 1 failed', first.links[0]!.url],
      [`Upload failed: ${b.name}`, 'Connection reset.'],
    ]);
    FakeNotification.instances[0]!.emit('click');
    expect(shell.showWindow).toHaveBeenCalledWith('history');
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
    expect(none.shell.openFilesInWindow).toHaveBeenCalledWith(['/Users/me/b.png']);
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
