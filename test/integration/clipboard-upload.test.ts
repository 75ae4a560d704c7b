import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandError } from '../../main/contract-dispatch.ts';
import { sandboxAccountId, type FerryService } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import { FakeClipboard } from '../support/fake-clipboard.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile, sha256 } from '../support/temp.ts';

// "Upload the clipboard" through the service's contract, with Electron's clipboard mocked (the
// Electron binary is unavailable): a real service, real SQLite, the Tencent sandbox emulator.

let harness: ServiceHarness;
let service: FerryService;
let clipboard: FakeClipboard;

beforeEach(async () => {
  clipboard = new FakeClipboard();
  harness = await startServiceHarness({ service: { clipboard, platform: 'linux' } });
  service = harness.service;
});

afterEach(() => harness.close());

type Outcome = CommandResponse<'uploads.clipboard'>;
const uploadClipboard = async (request: Record<string, unknown> = {}) =>
  (await service.dispatch('uploads.clipboard', request)) as Outcome;

async function historyEntries(): Promise<HistoryEntryView[]> {
  return ((await service.dispatch('history.list', { limit: 50 })) as CommandResponse<'history.list'>).entries;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function screenshotPng(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 4, background: '#3a7bd5' } })
    .png()
    .toBuffer();
}

describe('uploads.clipboard', () => {
  it('stages a copied image as "Screenshot <date> <time>.png", uploads it to the default account, then removes the copy', async () => {
    await service.dispatch('settings.update', { defaultAccountId: sandboxAccountId });
    const png = await screenshotPng();
    clipboard.copyImage(png);

    const outcome = await uploadClipboard();
    if (outcome.outcome !== 'uploading') throw new Error(`not uploading: ${outcome.outcome}`);
    expect(outcome).toMatchObject({ accountId: sandboxAccountId, source: 'image' });
    expect(outcome.taskIds).toHaveLength(1);
    const [staged] = outcome.paths;
    expect(staged!.startsWith(service.stagingDir)).toBe(true);
    expect(staged).toMatch(/\/Screenshot \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/);

    await service.idle();
    const [entry] = await historyEntries();
    expect(entry!.name).toMatch(/^Screenshot .*\.png$/);
    expect(entry!.sha256).toBe(sha256(png));
    expect(sha256(await download(entry!.links[0]!.url))).toBe(sha256(png));
    // The staged copy goes once uploaded (and thumbnailed).
    await expect.poll(() => existsSync(dirname(staged!)), { timeout: 10_000 }).toBe(false);
  });

  it('uploads files copied in the file manager, each one, in clipboard order; a deleted one is left out', async () => {
    const a = randomFile(harness.filesDir, 'b-second-by-name.bin', 5000);
    const b = randomFile(harness.filesDir, 'a first by name.bin', 7000);
    clipboard.copyFiles([a.path, join(harness.filesDir, 'gone.png'), b.path], 'linux');

    const outcome = await uploadClipboard({ accountId: sandboxAccountId });
    expect(outcome).toMatchObject({ outcome: 'uploading', source: 'files', paths: [a.path, b.path] });
    await service.idle();
    const entries = await historyEntries();
    const byName = new Map(entries.map((entry) => [entry.name, entry]));
    expect(byName.get('b-second-by-name.bin')!.sha256).toBe(a.sha256);
    expect(byName.get('a first by name.bin')!.sha256).toBe(b.sha256);
    // The user's own files stay where they are.
    expect(sha256(readFileSync(a.path))).toBe(a.sha256);
  });

  it('with no default account, uploads nothing and hands back the paths for the user to pick an account', async () => {
    clipboard.copyImage(await screenshotPng());
    const outcome = await uploadClipboard();
    if (outcome.outcome !== 'needs-account') throw new Error(`not needs-account: ${outcome.outcome}`);
    expect(outcome.source).toBe('image');
    expect(existsSync(outcome.paths[0]!)).toBe(true);
    expect(await service.dispatch('uploads.list', {})).toEqual([]);

    // The window's account picker then uploads them like any drop.
    await service.dispatch('uploads.add', { paths: outcome.paths, accountId: sandboxAccountId });
    await service.idle();
    expect((await historyEntries()).map((entry) => entry.name)).toEqual([
      expect.stringMatching(/^Screenshot /),
    ]);
  });

  it('grants the copied files, as a drop does: the picker may then name them, but no file beside them', async () => {
    // A folder Ferry was never handed: only what the clipboard lists becomes nameable.
    const elsewhere = join(dirname(harness.dataDir), 'elsewhere');
    mkdirSync(elsewhere);
    const copied = randomFile(elsewhere, 'copied.bin', 3000);
    const beside = randomFile(elsewhere, 'beside.bin', 3000);
    await expect(
      service.dispatch('uploads.add', { paths: [copied.path], accountId: sandboxAccountId }),
    ).rejects.toMatchObject({ view: { code: 'path-not-granted' } });

    clipboard.copyFiles([copied.path], 'linux');
    const outcome = await uploadClipboard();
    expect(outcome).toMatchObject({ outcome: 'needs-account', paths: [copied.path] });
    await service.dispatch('uploads.add', { paths: [copied.path], accountId: sandboxAccountId });
    await expect(
      service.dispatch('uploads.add', { paths: [beside.path], accountId: sandboxAccountId }),
    ).rejects.toMatchObject({ view: { code: 'path-not-granted' } });
    await service.idle();
    expect((await historyEntries()).map((entry) => entry.sha256)).toEqual([copied.sha256]);
  });

  it('answers "empty" for text, or files that no longer exist', async () => {
    await service.dispatch('settings.update', { defaultAccountId: sandboxAccountId });
    clipboard.copyText('just some words');
    expect(await uploadClipboard()).toEqual({ outcome: 'empty' });
    clipboard.copyFiles([join(harness.filesDir, 'deleted.png')], 'linux');
    expect(await uploadClipboard()).toEqual({ outcome: 'empty' });
  });

  it('refuses an unknown account as uploads.add does, and leaves no staged screenshot behind', async () => {
    const file = randomFile(harness.filesDir, 'x.bin', 10);
    clipboard.copyFiles([file.path], 'linux');
    const error = await uploadClipboard({ accountId: 'no-such-account' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).view.code).toBe('account-not-found');

    clipboard.copyImage(await screenshotPng());
    await expect(uploadClipboard({ accountId: 'no-such-account' })).rejects.toBeInstanceOf(CommandError);
    await expect.poll(() => readdirSync(service.stagingDir), { timeout: 5000 }).toEqual([]);
  });

  it('is refused, saying why, where there is no clipboard to read (web shell, CLI)', async () => {
    const bare = await harness.open({ clipboard: undefined });
    const error = await bare.dispatch('uploads.clipboard', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as CommandError).view).toMatchObject({
      code: 'invalid-request',
      message: expect.stringMatching(/cannot read the clipboard/),
    });
  });
});
