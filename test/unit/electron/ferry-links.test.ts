import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createService, sandboxAccountId, type FerryService } from '../../../main/service.ts';
import { startPicUpEmulator, type PicUpEmulator } from '../../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { createHistoryLinkCheck } from '../../../main/electron/ferry-links.ts';
import { createExternalLinkOpener } from '../../../main/electron/web-contents-guard.ts';
import type { CommandResponse } from '../../../shared/contract.ts';
import { randomFile, tempDir } from '../../support/temp.ts';

// A real service (SQLite, the pic_up emulator on loopback) answers "did Ferry produce this link?";
// only shell.openExternal is a stand-in (no Electron binary here).

let emulator: PicUpEmulator;
let service: FerryService;
let link: string;

beforeAll(async () => {
  emulator = await startPicUpEmulator({ storageDir: tempDir('ferry-emulator-') });
  service = await createService({ dataDir: tempDir('ferry-data-'), sandboxEmulator: emulator });
  const file = randomFile(tempDir('ferry-files-'), 'report.pdf', 2048);
  service.grantPaths([file.path]);
  await service.dispatch('uploads.add', { paths: [file.path], accountId: sandboxAccountId });
  await service.idle();
  const page = (await service.dispatch('history.list', {})) as CommandResponse<'history.list'>;
  link = page.entries[0]!.links[0]!.url;
});

afterAll(async () => {
  await service?.close();
  await emulator?.close();
});

describe('createHistoryLinkCheck (real service)', () => {
  it('knows a link of a history entry', async () => {
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await expect(createHistoryLinkCheck(service)(link)).resolves.toBe(true);
  });

  it.each([
    ['a prefix of it', () => link.slice(0, -3)],
    ['it with more appended', () => `${link}&evil=1`],
    ['another address', () => 'https://evil.example/report.pdf'],
    ['one with whitespace', () => `${link} x`],
    ['a very long one that starts like it', () => `${link}${'a'.repeat(1000)}`],
  ])('does not know %s', async (_what, url) => {
    await expect(createHistoryLinkCheck(service)(url())).resolves.toBe(false);
  });
});

describe('createExternalLinkOpener (real service, stand-in shell.openExternal)', () => {
  it('opens a link Ferry produced', async () => {
    const openExternal = vi.fn(async () => {});
    await createExternalLinkOpener(openExternal, createHistoryLinkCheck(service))(link);
    expect(openExternal).toHaveBeenCalledWith(link);
  });

  it.each(['https://evil.example/', 'file:///etc/passwd', 'smb://share/x.exe', 'javascript:alert(1)'])(
    'opens nothing for %s',
    async (url) => {
      const openExternal = vi.fn(async () => {});
      await expect(
        createExternalLinkOpener(openExternal, createHistoryLinkCheck(service))(url),
      ).rejects.toThrow(/Only/);
      expect(openExternal).not.toHaveBeenCalled();
    },
  );

  it('opens nothing when the check itself fails', async () => {
    const openExternal = vi.fn(async () => {});
    const failing = async (): Promise<boolean> => {
      throw new Error('database closed');
    };
    await expect(createExternalLinkOpener(openExternal, failing)(link)).rejects.toThrow(
      /Only links that Ferry/,
    );
    expect(openExternal).not.toHaveBeenCalled();
  });
});
