import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { commandChannel, eventChannel } from '../../../shared/channels.ts';
import { createPreloadApi, type IpcRendererLike } from '../../../main/electron/preload-api.ts';

/** `ipcRenderer` stand-in: `invoke` answers with `answer`, `on` listeners get a raw event first, like Electron's. */
class FakeIpcRenderer extends EventEmitter implements IpcRendererLike {
  readonly invoke = vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => this.answer);
  answer: unknown = { ok: true, response: null };
  /** What Electron passes as the first listener argument; its `sender` is ipcRenderer itself. */
  readonly rawEvent = { sender: this, ports: [] };

  deliver(message: unknown): void {
    this.emit(eventChannel, this.rawEvent, message);
  }
}

const webUtils = { getPathForFile: vi.fn((file: File) => `/home/user/${file.name}`) };

function setup() {
  const ipc = new FakeIpcRenderer();
  return { ipc, api: createPreloadApi(ipc, webUtils) };
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

  it('turns a dropped File into its path through webUtils.getPathForFile', () => {
    const { api } = setup();
    const file = new File(['x'], 'photo.png');
    expect(api.pathForFile(file)).toBe('/home/user/photo.png');
    expect(webUtils.getPathForFile).toHaveBeenCalledWith(file);
  });
});
