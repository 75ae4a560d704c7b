import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DesktopIntegration, type DesktopShell } from '../../main/electron/desktop.ts';
import { sandboxAccountId, type FerryService } from '../../main/service.ts';
import { fakeDesktopElectron, FakeNotification } from '../unit/electron/desktop-fakes.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile, sha256 } from '../support/temp.ts';

// The whole loop with a real service (SQLite, the Tencent sandbox emulator) under the desktop layer,
// Electron's globalShortcut, clipboard, Tray and Notification mocked (Electron binary unavailable):
// copy, press the shortcut, and the link is on the clipboard.

const shortcut = 'CommandOrControl+Alt+Shift+U';

let harness: ServiceHarness;
let service: FerryService;
let electron: ReturnType<typeof fakeDesktopElectron>;
let desktop: DesktopIntegration;
let shell: DesktopShell;
let openFilesInWindow: ReturnType<typeof vi.fn<DesktopShell['openFilesInWindow']>>;

beforeEach(async () => {
  electron = fakeDesktopElectron();
  harness = await startServiceHarness({ service: { clipboard: electron.clipboard, platform: 'linux' } });
  service = harness.service;
  openFilesInWindow = vi.fn<DesktopShell['openFilesInWindow']>();
  shell = {
    showWindow: vi.fn(),
    openFilesInWindow,
    isWindowFocused: () => false,
    setProgressBar: () => undefined,
    setDockBadge: () => undefined,
    setDropWindow: () => undefined,
    quit: () => undefined,
  };
  desktop = new DesktopIntegration({
    service,
    electron: electron.modules,
    iconDir: '/opt/ferry/resources/tray',
    platform: 'linux',
    shell,
    log: { warn: () => undefined, error: () => undefined },
  });
  await desktop.start();
});

afterEach(async () => {
  desktop.dispose();
  await harness.close();
});

/** What the user pastes after the batch: Ferry's write, once the upload has finished. */
async function pastedAfterUpload(): Promise<string> {
  await expect.poll(() => electron.clipboard.written.length, { timeout: 15_000 }).toBe(1);
  return electron.clipboard.text!;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('the clipboard loop, end to end under the desktop layer', () => {
  it('a screenshot on the clipboard: shortcut, upload to the default account, its Markdown link on the clipboard', async () => {
    await service.dispatch('settings.update', { defaultAccountId: sandboxAccountId, linkFormat: 'markdown' });
    const png = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#e44d26' } })
      .png()
      .toBuffer();
    electron.clipboard.copyImage(png);

    electron.globalShortcut.press(shortcut);
    const pasted = await pastedAfterUpload();
    const match =
      /^!\[(Screenshot \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png)\]\((http:\/\/127\.0\.0\.1:\d+\/\S+)\)$/.exec(
        pasted,
      );
    expect(match, pasted).not.toBeNull();
    expect(sha256(await download(match![2]!))).toBe(sha256(png));
    expect(FakeNotification.instances.map((n) => [n.title, n.body])).toEqual([
      [`Uploaded ${match![1]} — link copied`, pasted],
    ]);
  });

  it('files copied in the file manager: each uploaded, all links one per line in the order copied', async () => {
    await service.dispatch('settings.update', { defaultAccountId: sandboxAccountId });
    const big = randomFile(harness.filesDir, 'big.bin', 600_000);
    const small = randomFile(harness.filesDir, 'small.bin', 2_000);
    const middle = randomFile(harness.filesDir, 'middle.bin', 90_000);
    electron.clipboard.copyFiles([big.path, small.path, middle.path], 'linux');

    electron.globalShortcut.press(shortcut);
    const lines = (await pastedAfterUpload()).split('\n');
    expect(lines).toHaveLength(3);
    expect(await Promise.all(lines.map(async (url) => sha256(await download(url))))).toEqual([
      big.sha256,
      small.sha256,
      middle.sha256,
    ]);
    expect(FakeNotification.instances[0]!.title).toBe('3 links copied');
    // The user's files are untouched.
    expect(sha256(readFileSync(small.path))).toBe(small.sha256);
  });

  it('no default account: nothing uploads, the window asks, and the clipboard keeps what the user copied', async () => {
    const file = randomFile(harness.filesDir, 'later.bin', 100);
    electron.clipboard.copyFiles([file.path], 'linux');
    await expect(desktop.uploadClipboard()).resolves.toBe('needs-account');
    expect(openFilesInWindow).toHaveBeenCalledWith([file.path], { rememberAccount: true });
    expect(await service.dispatch('uploads.list', {})).toEqual([]);
    expect(electron.clipboard.written).toEqual([]);
  });
});
