import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { commandChannel, eventChannel, grantChannel } from '../../../shared/channels.ts';
import {
  createPreloadApi,
  type FileEventLike,
  type IpcRendererLike,
} from '../../../main/electron/preload-api.ts';
import { fakeDisk, FakePage } from './fakes.ts';

/** `ipcRenderer` stand-in: `invoke` answers with `answer`, `on` listeners get a raw event first, like Electron's. */
class FakeIpcRenderer extends EventEmitter implements IpcRendererLike {
  readonly invoke = vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => this.answer);
  readonly send = vi.fn((_channel: string, ..._args: unknown[]): void => undefined);
  answer: unknown = { ok: true, response: null };
  /** What Electron passes as the first listener argument; its `sender` is ipcRenderer itself. */
  readonly rawEvent = { sender: this, ports: [] };

  deliver(message: unknown): void {
    this.emit(eventChannel, this.rawEvent, message);
  }
}

const { webUtils, diskFile } = fakeDisk();

const userDrop = (...files: File[]): FileEventLike => ({ isTrusted: true, dataTransfer: { files } });
const userPick = (...files: File[]): FileEventLike => ({ isTrusted: true, target: { type: 'file', files } });

function setup() {
  const ipc = new FakeIpcRenderer();
  const page = new FakePage();
  return { ipc, page, api: createPreloadApi(ipc, webUtils, page) };
}

describe('createPreloadApi (fake ipcRenderer and webUtils: Electron binary unavailable)', () => {
  it('exposes a closed, frozen object of three functions and no ipcRenderer', () => {
    const { api } = setup();
    expect(Object.keys(api).sort()).toEqual(['invoke', 'pathForFile', 'subscribe']);
    expect(Object.isFrozen(api)).toBe(true);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it.each(['uploads.delete', 'constructor', '__proto__', ''])(
    'rejects the unknown command %j without any IPC',
    async (name) => {
      const { ipc, api } = setup();
      await expect(api.invoke(name, {})).rejects.toEqual({
        name: 'FerryError',
        code: 'unknown-command',
        message: `Unknown command: ${name}`,
      });
      expect(ipc.invoke).not.toHaveBeenCalled();
    },
  );

  it("invokes a contract command on its channel and resolves with main's response", async () => {
    const { ipc, api } = setup();
    ipc.answer = { ok: true, response: { taskIds: ['t1'] } };
    const request = { paths: ['/tmp/a.png'], accountId: 'sandbox' };
    await expect(api.invoke('uploads.add', request)).resolves.toEqual({ taskIds: ['t1'] });
    expect(ipc.invoke).toHaveBeenCalledWith(commandChannel('uploads.add'), request);
  });

  it('rejects with a plain object carrying the code, so it survives contextBridge', async () => {
    const { ipc, api } = setup();
    ipc.answer = {
      ok: false,
      error: {
        code: 'provider-rejected',
        message: 'Rejected by Tencent IM',
        providerMessage: 'sign expired',
        providerCode: '70001',
      },
    };
    const failure = await api.invoke('accounts.list', {}).catch((error: unknown) => error);
    expect(failure).toEqual({
      name: 'FerryError',
      code: 'provider-rejected',
      message: 'Rejected by Tencent IM',
      providerMessage: 'sign expired',
      providerCode: '70001',
    });
    // contextBridge turns an Error into `new Error(message)` and drops `code`; a plain object keeps it.
    expect(failure).not.toBeInstanceOf(Error);
    expect(Object.getPrototypeOf(failure)).toBe(Object.prototype);
  });

  it.each([[undefined], [null], ['ok'], [{ ok: false, error: 'boom' }], [{ ok: 'yes', response: 1 }]])(
    'rejects a malformed answer %j as internal',
    async (answer) => {
      const { ipc, api } = setup();
      ipc.answer = answer;
      await expect(api.invoke('uploads.list', {})).rejects.toMatchObject({
        name: 'FerryError',
        code: 'internal',
      });
    },
  );

  it('rejects as internal when IPC itself fails', async () => {
    const { ipc, api } = setup();
    ipc.invoke.mockRejectedValueOnce(new Error("No handler registered for 'ferry:command:uploads.list'"));
    await expect(api.invoke('uploads.list', {})).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('No handler registered') as unknown,
    });
  });

  it('gives listeners { name, payload } only, never the raw IpcRendererEvent', () => {
    const { ipc, api } = setup();
    const listener = vi.fn();
    api.subscribe(listener);
    const payload = { tasks: [] };
    ipc.deliver({ name: 'tasks.changed', payload, extra: 'dropped' });
    expect(listener).toHaveBeenCalledTimes(1);
    const args = listener.mock.calls[0] ?? [];
    expect(args).toHaveLength(1);
    expect(args[0]).toEqual({ name: 'tasks.changed', payload });
    expect(Object.keys(args[0] as object).sort()).toEqual(['name', 'payload']);
    expect(args[0]).not.toHaveProperty('sender');
    expect(JSON.stringify(args)).not.toContain('ports');
  });

  it('drops messages that are not contract events', () => {
    const { ipc, api } = setup();
    const listener = vi.fn();
    api.subscribe(listener);
    ipc.deliver({ name: 'uploads.add', payload: {} });
    ipc.deliver('tasks.changed');
    ipc.deliver(null);
    expect(listener).not.toHaveBeenCalled();
  });

  it('unsubscribe stops delivery and removes the IPC listener once the last subscriber leaves', () => {
    const { ipc, api } = setup();
    const first = vi.fn();
    const second = vi.fn();
    const unsubscribeFirst = api.subscribe(first);
    const unsubscribeSecond = api.subscribe(second);
    expect(ipc.listenerCount(eventChannel)).toBe(1);

    unsubscribeFirst();
    unsubscribeFirst();
    ipc.deliver({ name: 'history.added', payload: { entry: {} } });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    expect(ipc.listenerCount(eventChannel)).toBe(1);

    unsubscribeSecond();
    expect(ipc.listenerCount(eventChannel)).toBe(0);
  });

  it('keeps delivering to other listeners when one throws', () => {
    const { ipc, api } = setup();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    api.subscribe(() => {
      throw new Error('render failed');
    });
    api.subscribe(after);
    ipc.deliver({ name: 'tasks.changed', payload: { tasks: [] } });
    expect(after).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
  });

  it('refuses a subscriber that is not a function', () => {
    const { api } = setup();
    expect(() => api.subscribe('nope' as unknown as () => void)).toThrow(TypeError);
  });

  it('listens for drops and picks in the capture phase, before any listener of the page', () => {
    const { page } = setup();
    expect(page.listeners.map(({ type, capture }) => [type, capture])).toEqual([
      ['drop', true],
      ['change', true],
    ]);
  });

  it('registers the files of a user drop with main, and only then names their paths', () => {
    const { ipc, page, api } = setup();
    const a = diskFile('/home/user/a.png');
    const b = diskFile('/home/user/b.pdf');
    expect(api.pathForFile(a)).toBe('');
    page.fire('drop', userDrop(a, b));
    expect(ipc.send).toHaveBeenCalledExactlyOnceWith(grantChannel, ['/home/user/a.png', '/home/user/b.pdf']);
    expect(api.pathForFile(a)).toBe('/home/user/a.png');
    expect(api.pathForFile(b)).toBe('/home/user/b.pdf');
  });

  it('grants nothing for a drop or a pick the page made up, and names no path for its files', () => {
    const { ipc, page, api } = setup();
    const file = diskFile('/home/user/.ssh/id_ed25519');
    page.fire('drop', { isTrusted: false, dataTransfer: { files: [file] } });
    page.fire('change', { isTrusted: false, target: { type: 'file', files: [file] } });
    expect(ipc.send).not.toHaveBeenCalled();
    expect(api.pathForFile(file)).toBe('');
    // A File the page built itself has no place on disk at all.
    page.fire('drop', userDrop(new File(['x'], 'made-up.png')));
    expect(ipc.send).not.toHaveBeenCalled();
  });

  it('names the files walked inside a dropped folder, and nothing in a folder next to it', () => {
    const { page, api } = setup();
    page.fire('drop', userDrop(diskFile('/home/user/holiday')));
    expect(api.pathForFile(diskFile('/home/user/holiday/2024/a.jpg'))).toBe('/home/user/holiday/2024/a.jpg');
    expect(api.pathForFile(diskFile('/home/user/holiday-private/b.jpg'))).toBe('');
    expect(api.pathForFile(diskFile('/home/user/b.jpg'))).toBe('');
  });

  it('understands Windows paths', () => {
    const { page, api } = setup();
    page.fire('drop', userDrop(diskFile('C:\\Users\\me\\Pictures')));
    expect(api.pathForFile(diskFile('C:\\Users\\me\\Pictures\\a.png'))).toBe(
      'C:\\Users\\me\\Pictures\\a.png',
    );
    expect(api.pathForFile(diskFile('C:\\Users\\me\\secret.txt'))).toBe('');
  });

  it('registers the files the user picked in a file input, and a picked folder as one grant', () => {
    const { ipc, page, api } = setup();
    const picked = diskFile('/home/user/report.pdf');
    page.fire('change', userPick(picked));
    expect(ipc.send).toHaveBeenLastCalledWith(grantChannel, ['/home/user/report.pdf']);
    expect(api.pathForFile(picked)).toBe('/home/user/report.pdf');

    const inFolder = [
      diskFile('/home/user/holiday/a.jpg', 'holiday/a.jpg'),
      diskFile('/home/user/holiday/2024/b.jpg', 'holiday/2024/b.jpg'),
    ];
    page.fire('change', userPick(...inFolder));
    expect(ipc.send).toHaveBeenLastCalledWith(grantChannel, ['/home/user/holiday']);
    expect(inFolder.map((file) => api.pathForFile(file))).toEqual([
      '/home/user/holiday/a.jpg',
      '/home/user/holiday/2024/b.jpg',
    ]);
  });

  it('ignores change events of other inputs', () => {
    const { ipc, page } = setup();
    page.fire('change', { isTrusted: true, target: { type: 'text', value: '/etc/passwd' } });
    page.fire('change', { isTrusted: true, target: null });
    expect(ipc.send).not.toHaveBeenCalled();
  });
});
