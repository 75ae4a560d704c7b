import { describe, expect, it, vi } from 'vitest';
import { commandChannel, commandNames, eventChannel } from '../../../shared/channels.ts';
import type { FerryEvent } from '../../../shared/contract.ts';
import { defaultSettings } from '../../../shared/settings.ts';
import { CommandError, dispatchCommand, type CommandHandlers } from '../../../main/contract-dispatch.ts';
import type { FerryService } from '../../../main/service.ts';
import { wireIpc } from '../../../main/electron/ipc.ts';
import {
  FakeIpcMain,
  FakeWebContents,
  fakeFrame,
  fakeInvokeEvent,
  silentLog,
  wireOneWindow,
} from './fakes.ts';

type Service = Pick<FerryService, 'dispatch' | 'subscribe' | 'grantPaths'>;

/** A service running the real contract validation over fake handlers. */
function fakeService(overrides: Partial<CommandHandlers> = {}) {
  const handlers: CommandHandlers = {
    'accounts.list': async () => [],
    'uploads.add': async (request) => ({ taskIds: request.paths.map((_, index) => `task-${index}`) }),
    'uploads.stage': async () => ({ path: '/tmp/staging/pasted.png' }),
    'uploads.clipboard': async () => ({ outcome: 'empty' }),
    'uploads.list': async () => [],
    'history.list': async () => ({ entries: [], nextCursor: null }),
    'accounts.add': async () => {
      throw new CommandError({ code: 'account-invalid', message: 'not in this test' });
    },
    'uploads.pause': async ({ taskIds }) => ({ taskIds }),
    'uploads.resume': async ({ taskIds }) => ({ taskIds }),
    'uploads.cancel': async ({ taskIds }) => ({ taskIds }),
    'uploads.retry': async ({ taskIds }) => ({ taskIds }),
    'uploads.pauseAll': async () => ({ taskIds: [] }),
    'uploads.resumeAll': async () => ({ taskIds: [] }),
    'accounts.update': async () => {
      throw new CommandError({ code: 'account-invalid', message: 'not in this test' });
    },
    'accounts.remove': async ({ id }) => ({ id }),
    'accounts.test': async () => ({ ok: true }),
    'vault.status': async () => ({ secure: true, kind: 'os-keychain', note: 'fake' }),
    'history.delete': async ({ ids }) => ({ deleted: ids.length }),
    'history.showLocalFile': async () => ({ path: null, exists: false, shown: false }),
    'history.export': async () => ({ path: '/tmp/export.csv', exported: 0 }),
    'history.import': async () => ({ added: 0, alreadyPresent: 0, rejected: [] }),
    'settings.get': async () => defaultSettings,
    'settings.update': async () => defaultSettings,
    'settings.rotateLocalApiSecret': async () => defaultSettings,
    'notices.list': async () => [],
    'notices.dismiss': async () => ({ dismissed: false }),
    ...overrides,
  };
  const listeners = new Set<(event: FerryEvent) => void>();
  const dispatch = vi.fn((name: unknown, request: unknown) => dispatchCommand(handlers, name, request));
  const service: Service & { emit(event: FerryEvent): void; listenerCount(): number } = {
    dispatch,
    grantPaths: vi.fn(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event) => listeners.forEach((listener) => listener(event)),
    listenerCount: () => listeners.size,
  };
  return service;
}

function setup(service = fakeService()) {
  return { ...wireOneWindow(service), service };
}

const uploadsAdd = commandChannel('uploads.add');
const request = { paths: ['/tmp/a.png'], accountId: 'sandbox' };

describe('wireIpc (fake ipcMain and WebContents: Electron binary unavailable)', () => {
  it('registers one handler per contract command', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(commandNames.map(commandChannel).sort());
  });

  it("passes a trusted sender's call to the service and returns its response", async () => {
    const { ipcMain, window, service } = setup();
    const answer = await ipcMain.invoke(uploadsAdd, fakeInvokeEvent(window), request);
    expect(answer).toEqual({ ok: true, response: { taskIds: ['task-0'] } });
    expect(service.dispatch).toHaveBeenCalledWith('uploads.add', request);
  });

  it.each([
    [
      'a frame on another origin',
      (w: FakeWebContents) => fakeInvokeEvent(w, { ...w.mainFrame, url: 'https://evil.example/' }),
    ],
    [
      'a file:// page',
      (w: FakeWebContents) => fakeInvokeEvent(w, { ...w.mainFrame, url: 'file:///tmp/index.html' }),
    ],
    [
      'a look-alike app host',
      (w: FakeWebContents) => fakeInvokeEvent(w, { ...w.mainFrame, url: 'app://ferry.evil/' }),
    ],
    [
      'a subframe on the app origin',
      (w: FakeWebContents) => fakeInvokeEvent(w, fakeFrame('app://ferry/index.html', w.mainFrame)),
    ],
    [
      'a detached top frame that is not the main frame',
      (w: FakeWebContents) => fakeInvokeEvent(w, fakeFrame('app://ferry/index.html')),
    ],
    ['a missing senderFrame', (w: FakeWebContents) => fakeInvokeEvent(w, null)],
  ])('refuses %s without reaching the service', async (_what, eventFor) => {
    const { ipcMain, window, service } = setup();
    const answer = await ipcMain.invoke(uploadsAdd, eventFor(window), request);
    expect(answer).toEqual({ ok: false, error: { code: 'invalid-request', message: 'untrusted sender' } });
    expect(service.dispatch).not.toHaveBeenCalled();
  });

  it('refuses a window the app did not create, and one that was destroyed', async () => {
    const { ipcMain, window, service } = setup();
    const stranger = new FakeWebContents();
    expect(await ipcMain.invoke(uploadsAdd, fakeInvokeEvent(stranger), request)).toMatchObject({ ok: false });
    window.destroy();
    expect(await ipcMain.invoke(uploadsAdd, fakeInvokeEvent(window), request)).toMatchObject({ ok: false });
    expect(service.dispatch).not.toHaveBeenCalled();
  });

  it("returns an invalid payload as ok:false with the service's error view", async () => {
    const { ipcMain, window } = setup();
    const answer = await ipcMain.invoke(uploadsAdd, fakeInvokeEvent(window), {
      paths: [],
      accountId: 'sandbox',
    });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect((answer as { error: { message: string } }).error.message).toMatch(
      /^Invalid request for uploads\.add/,
    );
  });

  it("returns a handler's CommandError as its view and hides internal errors", async () => {
    const service = fakeService({
      'accounts.list': async () => {
        throw new CommandError({ code: 'account-not-found', message: 'No such account' });
      },
      'uploads.list': async () => {
        throw new Error('SQLITE_CORRUPT at /home/user/.config/Ferry/ferry.db');
      },
    });
    const { ipcMain, window } = setup(service);
    const event = fakeInvokeEvent(window);
    expect(await ipcMain.invoke(commandChannel('accounts.list'), event, {})).toEqual({
      ok: false,
      error: { code: 'account-not-found', message: 'No such account' },
    });
    const internal = await ipcMain.invoke(commandChannel('uploads.list'), event, {});
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain('SQLITE');
  });

  it('never throws across IPC, even when the sender check itself throws', async () => {
    const ipcMain = new FakeIpcMain();
    const service = fakeService();
    wireIpc({
      ipcMain,
      service,
      isTrustedSender: () => {
        throw new Error('frame disposed');
      },
      eventTargets: () => [],
      log: silentLog,
    });
    await expect(
      ipcMain.invoke(uploadsAdd, fakeInvokeEvent(new FakeWebContents()), request),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(service.dispatch).not.toHaveBeenCalled();
  });

  it("sends the service's events to the app's windows only", () => {
    const { windows, window, service } = setup();
    const navigatedAway = new FakeWebContents('https://evil.example/');
    windows.add(navigatedAway);
    const event: FerryEvent = { name: 'tasks.changed', payload: { tasks: [] } };
    service.emit(event);
    expect(window.sent).toEqual([{ channel: eventChannel, args: [event] }]);
    expect(navigatedAway.sent).toEqual([]);
  });

  it('keeps delivering to other windows when one send throws', () => {
    const { windows, window, service } = setup();
    const broken = new FakeWebContents();
    broken.send = () => {
      throw new Error('An object could not be cloned');
    };
    windows.add(broken);
    const second = new FakeWebContents();
    windows.add(second);
    service.emit({ name: 'tasks.changed', payload: { tasks: [] } });
    expect(window.sent).toHaveLength(1);
    expect(second.sent).toHaveLength(1);
  });

  // Electron's checklist: "validate the sender of all IPC messages", for every channel the contract
  // has, including ones added later (the list comes from shared/channels.ts).
  describe.each(commandNames)('the %s channel', (name) => {
    it.each([
      [
        'a forged frame on another origin',
        (w: FakeWebContents) => fakeInvokeEvent(w, fakeFrame('https://evil.example/')),
      ],
      [
        'a subframe of the app window',
        (w: FakeWebContents) => fakeInvokeEvent(w, fakeFrame('app://ferry/index.html', w.mainFrame)),
      ],
      ['a window the app did not create', () => fakeInvokeEvent(new FakeWebContents())],
    ])('refuses %s without reaching the service', async (_what, eventFor) => {
      const { ipcMain, window, service } = setup();
      const answer = await ipcMain.invoke(commandChannel(name), eventFor(window), {});
      expect(answer).toEqual({ ok: false, error: { code: 'invalid-request', message: 'untrusted sender' } });
      expect(service.dispatch).not.toHaveBeenCalled();
    });
  });

  it('disposer removes every handler and the subscription', async () => {
    const { ipcMain, window, service, dispose } = setup();
    expect(service.listenerCount()).toBe(1);
    dispose();
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(service.listenerCount()).toBe(0);
    await expect(ipcMain.invoke(uploadsAdd, fakeInvokeEvent(window), request)).rejects.toThrow(/No handler/);
    service.emit({ name: 'tasks.changed', payload: { tasks: [] } });
    expect(window.sent).toEqual([]);
  });
});
