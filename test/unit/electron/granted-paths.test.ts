import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPreloadApi,
  type IpcRendererLike,
  type PreloadApi,
} from '../../../main/electron/preload-api.ts';
import { startPicUpEmulator, type PicUpEmulator } from '../../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { createService, sandboxAccountId, type FerryService } from '../../../main/service.ts';
import { grantChannel } from '../../../shared/channels.ts';
import { randomFile, tempDir } from '../../support/temp.ts';
import { fakeDisk, fakeFrame, fakeInvokeEvent, FakePage, FakeWebContents, wireOneWindow } from './fakes.ts';

// A drop in the window, through the preload and IPC, to a real service: only paths the user handed
// over reach uploads.add. Electron's IPC and page are stand-ins (the Electron binary is unavailable);
// the preload's code, the IPC wiring with its sender check and the service are the real ones.

let emulator: PicUpEmulator;
let service: FerryService;
let files: string;

beforeAll(async () => {
  emulator = await startPicUpEmulator({ storageDir: tempDir('ferry-emulator-') });
  service = await createService({ dataDir: tempDir('ferry-data-'), sandboxEmulator: emulator });
  files = tempDir('ferry-user-files-');
});

afterAll(async () => {
  await service?.close();
  await emulator?.close();
});

/** One window: its page, its preload and main's IPC, wired like Electron wires them. */
function openWindow() {
  const { ipcMain, window: contents, dispose } = wireOneWindow(service);
  // The renderer's messages arrive in the order it sent them; `send` runs main's listeners at once.
  const ipcRenderer: IpcRendererLike = {
    invoke: (channel, ...args) => ipcMain.invoke(channel, fakeInvokeEvent(contents), ...args),
    send: (channel, ...args) => ipcMain.send(channel, fakeInvokeEvent(contents), ...args),
    on: () => undefined,
    removeListener: () => undefined,
  };
  const page = new FakePage();
  const disk = fakeDisk();
  const preload: PreloadApi = createPreloadApi(ipcRenderer, disk.webUtils, page);
  return { ipcMain, contents, page, preload, disk, dispose };
}

async function uploadsAdd(preload: PreloadApi, paths: string[]): Promise<unknown> {
  return preload.invoke('uploads.add', { paths, accountId: sandboxAccountId }).then(
    (response) => response,
    (error: unknown) => error,
  );
}

function secretFile(): string {
  const path = join(tempDir('ferry-not-dropped-'), 'id_ed25519');
  writeFileSync(path, 'PRIVATE KEY');
  return path;
}

describe('paths the page may name (fake Electron IPC and page: Electron binary unavailable)', () => {
  it('uploads a file the user dropped; refuses a path the page invents, uploading nothing', async () => {
    const { page, preload, disk, dispose } = openWindow();
    const dropped = randomFile(files, 'dropped.bin', 5000);
    const file = disk.diskFile(dropped.path);
    page.fire('drop', { isTrusted: true, dataTransfer: { files: [file] } });
    // What the renderer's drop handler does next: the path, then uploads.add.
    const path = preload.pathForFile(file);
    expect(path).toBe(dropped.path);
    expect(await uploadsAdd(preload, [path])).toEqual({ taskIds: [expect.any(String)] });

    const invented = secretFile();
    expect(await uploadsAdd(preload, [invented])).toMatchObject({
      name: 'FerryError',
      code: 'path-not-granted',
      message: expect.stringContaining(invented) as unknown,
    });
    await service.idle();
    expect((await emulator.listObjects()).map((object) => object.size)).toEqual([5000]);
    dispose();
  });

  it('a drop the page synthesises grants nothing', async () => {
    const { page, preload, disk, dispose } = openWindow();
    const secret = secretFile();
    page.fire('drop', { isTrusted: false, dataTransfer: { files: [disk.diskFile(secret)] } });
    expect(await uploadsAdd(preload, [secret])).toMatchObject({ code: 'path-not-granted' });
    dispose();
  });

  it('the grant channel takes only the app window, and only absolute paths', async () => {
    const { ipcMain, contents, preload, dispose } = openWindow();
    const fromSubframe = secretFile();
    ipcMain.send(
      grantChannel,
      fakeInvokeEvent(contents, fakeFrame('app://ferry/index.html', contents.mainFrame)),
      [fromSubframe],
    );
    const fromStranger = secretFile();
    ipcMain.send(grantChannel, fakeInvokeEvent(new FakeWebContents()), [fromStranger]);
    const relative = 'id_ed25519';
    ipcMain.send(grantChannel, fakeInvokeEvent(contents), [relative]);
    ipcMain.send(grantChannel, fakeInvokeEvent(contents), 'not a list');
    ipcMain.send(grantChannel, fakeInvokeEvent(contents), [42]);
    for (const path of [fromSubframe, fromStranger, join(process.cwd(), relative)])
      expect(await uploadsAdd(preload, [path])).toMatchObject({ code: 'path-not-granted' });
    dispose();
    expect(ipcMain.listeners.size).toBe(0);
  });
});
