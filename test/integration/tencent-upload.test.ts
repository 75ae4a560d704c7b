import { defaultSliceSize } from '../../main/providers/tencent-im/slice-plan.ts';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAccountId, type FerryService } from '../../main/service.ts';
import type { PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { FerryEvent } from '../../shared/contract.ts';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile, sha256 } from '../support/temp.ts';
import { rewriteInPlace, wholeSecondTimes } from '../support/file-edits.ts';
import { BodyHold } from '../../main/sandbox/body-hold.ts';

let harness: ServiceHarness;
let emulator: PicUpEmulator;
let service: FerryService;
let filesDir: string;
let events: FerryEvent[];

beforeEach(async () => {
  harness = await startServiceHarness();
  ({ emulator, service, filesDir, events } = harness);
});

afterEach(() => harness.close());

async function upload(paths: string[]): Promise<string[]> {
  const { taskIds } = (await service.dispatch('uploads.add', {
    paths,
    accountId: sandboxAccountId,
  })) as CommandResponse<'uploads.add'>;
  await service.idle();
  return taskIds;
}

async function tasks(): Promise<TaskView[]> {
  return (await service.dispatch('uploads.list', {})) as TaskView[];
}

async function historyEntries(): Promise<HistoryEntryView[]> {
  const page = (await service.dispatch('history.list', { limit: 500 })) as CommandResponse<'history.list'>;
  return page.entries;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('what was sent is what was hashed', () => {
  const size = 4 * defaultSliceSize + 5; // five slices, the last of 5 bytes

  it.each([
    ['bytes already sent', 0],
    // The sent bytes still match the file; what will go out no longer matches File_Str_Md5.
    ['bytes not sent yet', size - 4096],
  ])(
    'fails as file-changed when the file is rewritten in place (same size and mtime) over %s: nothing stored',
    async (_label, editAt) => {
      const { path } = randomFile(filesDir, 'rewritten.bin', size);
      wholeSecondTimes(path);
      const hold = new BodyHold(64 * 1024);
      emulator.injectFault({ kind: 'hold', hold }, { afterRequests: 2 }); // the third slice
      const { taskIds } = (await service.dispatch('uploads.add', {
        paths: [path],
        accountId: sandboxAccountId,
      })) as CommandResponse<'uploads.add'>;
      await hold.reached;
      rewriteInPlace(path, editAt, 4096);
      hold.release();
      await service.idle();

      const [task] = await tasks();
      expect(task).toMatchObject({ id: taskIds[0], state: 'failed', error: { code: 'file-changed' } });
      expect(task!.error!.message).toMatch(/changed during its upload/);
      expect(await historyEntries()).toEqual([]);
      expect(emulator.stats().completedUploads).toBe(0);
      expect(await emulator.listObjects()).toEqual([]);
    },
  );
});

describe('uploading to Tencent IM pic_up through the service', () => {
  it('uploads 0-byte, 1-byte and 25 MiB + 1 byte files whose download links return identical bytes', async () => {
    const files = [
      randomFile(filesDir, 'empty.bin', 0),
      randomFile(filesDir, 'one.bin', 1),
      randomFile(filesDir, 'big.bin', 25 * 1024 * 1024 + 1),
    ];
    const taskIds = await upload(files.map((f) => f.path));
    expect(taskIds).toHaveLength(3);

    const entries = await historyEntries();
    expect(entries).toHaveLength(3);
    for (const file of files) {
      const entry = entries.find((e) => e.name === file.path.split('/').pop());
      expect(entry, file.path).toBeDefined();
      expect(entry!.sha256).toBe(file.sha256);
      const original = entry!.links.find((l) => l.kind === 'original');
      expect(original).toBeDefined();
      expect(sha256(await download(original!.url))).toBe(file.sha256);
    }
    expect(await tasks()).toEqual([]); // all done: nothing left in the queue
    expect(emulator.stats().completedUploads).toBe(3);
    // Progress reached the renderer as batched events, ending at the full size.
    const lastBig = events
      .flatMap((e) => (e.name === 'tasks.changed' ? e.payload.tasks : []))
      .filter((t) => t.name === 'big.bin')
      .at(-1);
    expect(lastBig).toMatchObject({ state: 'done', transferredBytes: 25 * 1024 * 1024 + 1 });
  });

  it('maps an image upload to original, small and large links', async () => {
    const file = randomFile(filesDir, 'photo.png', 10_000);
    await upload([file.path]);
    const [entry] = await historyEntries();
    expect(entry!.links.map((l) => l.kind).sort()).toEqual(['large', 'original', 'small']);
    expect(entry!.mimeType).toBe('image/png');
  });

  it('fails the task with the server ErrorInfo when it answers IsRejectRetry: 1', async () => {
    const file = randomFile(filesDir, 'rejected.bin', 3 * defaultSliceSize);
    emulator.injectFault({ kind: 'reject', errorCode: -8, errorInfo: 'slice rejected by policy' });
    const [taskId] = await upload([file.path]);
    const [task] = await tasks();
    expect(task!.id).toBe(taskId);
    expect(task!.state).toBe('failed');
    expect(task!.error).toMatchObject({
      code: 'provider-rejected',
      providerMessage: 'slice rejected by policy',
      providerCode: '-8',
    });
    expect(task!.error!.message).toContain('slice rejected by policy');
    expect(emulator.stats().requests).toBe(1); // must not retry
    expect(await historyEntries()).toEqual([]);
  });

  it('retries a slice the server failed with IsRejectRetry: 0 and completes', async () => {
    const file = randomFile(filesDir, 'flaky.bin', 2 * defaultSliceSize + 5);
    emulator.injectFault({ kind: 'retryable-fail', errorInfo: 'busy, try again' });
    await upload([file.path]);
    const [entry] = await historyEntries();
    expect(entry!.sha256).toBe(file.sha256);
    expect(emulator.stats().requests).toBe(4); // 3 slices + the failed one
  });

  it('follows a Next_Offset that rewinds, re-sending from there, and the object is intact', async () => {
    const size = 12 * defaultSliceSize + 123;
    const file = randomFile(filesDir, 'rewind.bin', size);
    // After 3 slices have landed, the server forgets everything from the first slice's end on.
    emulator.injectFault({ kind: 'rewind', toOffset: defaultSliceSize }, { afterRequests: 3 });
    await service.dispatch('uploads.add', { paths: [file.path], accountId: sandboxAccountId });
    await service.idle();
    const [entry] = await historyEntries();
    expect(entry!.sha256).toBe(file.sha256);
    expect(sha256(await download(entry!.links[0]!.url))).toBe(file.sha256);
    // Everything from the first slice's end up to where the client had got was sent again.
    expect(emulator.stats().sliceBytesReceived).toBeGreaterThanOrEqual(size + 2 * defaultSliceSize);
    expect((await emulator.listObjects()).length).toBe(1);
  });

  it('gives each bad path its own error while the good file in the same drop uploads', async () => {
    const good = randomFile(filesDir, 'good.txt', 1234);
    const folder = join(filesDir, 'a-folder');
    mkdirSync(folder);
    const missing = join(filesDir, 'does-not-exist.png');
    const fifo = join(filesDir, 'a-pipe');
    execFileSync('mkfifo', [fifo]);
    const paths = [missing, folder, fifo, good.path];
    const isRoot = process.getuid?.() === 0;
    const locked = join(filesDir, 'locked.bin');
    if (!isRoot) {
      // Root reads any file whatever its mode, so this case only means something for a normal user.
      writeFileSync(locked, 'secret');
      chmodSync(locked, 0o000);
      paths.push(locked);
    }
    await upload(paths);

    const byName = new Map((await tasks()).map((t) => [t.name, t]));
    expect(byName.get('does-not-exist.png')?.error?.code).toBe('file-not-found');
    expect(byName.get('a-folder')?.error).toEqual({
      code: 'folder-unsupported',
      message: 'Folders are not supported yet.',
    });
    expect(byName.get('a-pipe')?.error?.code).toBe('file-unreadable');
    if (!isRoot) expect(byName.get('locked.bin')?.error?.code).toBe('file-unreadable');
    for (const task of byName.values()) expect(task.state).toBe('failed');

    const entries = await historyEntries();
    expect(entries.map((e) => e.name)).toEqual(['good.txt']);
    expect(entries[0]!.sha256).toBe(good.sha256);
  });

  it('refuses an unknown account for the whole call with a clear error', async () => {
    const file = randomFile(filesDir, 'x.bin', 10);
    await expect(
      service.dispatch('uploads.add', { paths: [file.path], accountId: 'nope' }),
    ).rejects.toMatchObject({
      view: { code: 'account-not-found' },
    });
  });

  it('resumes an unfinished upload after a restart from the journaled server offset', async () => {
    const size = 6 * defaultSliceSize;
    const file = randomFile(filesDir, 'resume.bin', size);
    // Two slices land, then the third answer is held back: the close always falls mid-upload.
    emulator.injectFault({ kind: 'stall', ms: 500 }, { afterRequests: 2 });
    await service.dispatch('uploads.add', { paths: [file.path], accountId: sandboxAccountId });
    await waitFor(() => emulator.stats().requests >= 3);
    await service.close();
    const sentBeforeRestart = emulator.stats().sliceBytesReceived;
    expect(sentBeforeRestart).toBeLessThan(size);

    service = await harness.open();
    await service.idle();
    const [entry] = await historyEntries();
    expect(entry!.sha256).toBe(file.sha256);
    // Resumed, not restarted: at most the slice in flight at the close was sent twice.
    expect(emulator.stats().sliceBytesReceived).toBeLessThanOrEqual(size + defaultSliceSize);
    expect((await emulator.listObjects()).length).toBe(1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a server that takes smaller bodies than a slice (HTTP 413)', () => {
  it('sends the same offset again at half the size until it fits, keeps that size, and stores identical bytes', async () => {
    // 2 MiB of body: a 4 MiB slice (5.6 MB of base64) and a 2 MiB one (2.8 MB) are refused, 1 MiB fits.
    const small = await startServiceHarness({ emulator: { maxBodyBytes: 2 * 1024 * 1024 } });
    try {
      const size = 2 * defaultSliceSize + 5;
      const file = randomFile(small.filesDir, 'halved.bin', size);
      await small.service.dispatch('uploads.add', { paths: [file.path], accountId: sandboxAccountId });
      await small.service.idle();
      const page = (await small.service.dispatch('history.list', {
        limit: 10,
      })) as CommandResponse<'history.list'>;
      expect(page.entries).toHaveLength(1);
      expect(page.entries[0]!.sha256).toBe(file.sha256);
      expect(sha256(await download(page.entries[0]!.links[0]!.url))).toBe(file.sha256);
      // Two refusals, then every slice at 1 MiB: the smaller size was kept after the first fit.
      const oneMiBSlices = Math.ceil(size / (1024 * 1024));
      expect(small.emulator.stats()).toMatchObject({ requests: 2 + oneMiBSlices, sliceBytesReceived: size });
    } finally {
      await small.close();
    }
  });
});
