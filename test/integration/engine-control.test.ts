import { appendFileSync, truncateSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAccountId, type FerryService, type ServiceOptions } from '../../main/service.ts';
import { defaultSliceSize } from '../../main/providers/tencent-im/slice-plan.ts';
import type { PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { TaskView } from '../../shared/models.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile, sha256 } from '../support/temp.ts';
import { readFileSync } from 'node:fs';

let harness: ServiceHarness;
let emulator: PicUpEmulator;
let service: FerryService;
let filesDir: string;

async function open(options: Partial<ServiceOptions> = {}): Promise<void> {
  service = await harness.open(options);
}

beforeEach(async () => {
  // Each test opens the service with the options it needs.
  harness = await startServiceHarness({ open: false });
  ({ emulator, filesDir } = harness);
});

afterEach(() => harness.close());

async function add(paths: string[]): Promise<string[]> {
  const { taskIds } = (await service.dispatch('uploads.add', {
    paths,
    accountId: sandboxAccountId,
  })) as CommandResponse<'uploads.add'>;
  return taskIds;
}

async function task(id: string): Promise<TaskView | undefined> {
  return ((await service.dispatch('uploads.list', {})) as TaskView[]).find((t) => t.id === id);
}

async function history(): Promise<CommandResponse<'history.list'>['entries']> {
  return ((await service.dispatch('history.list', { limit: 500 })) as CommandResponse<'history.list'>)
    .entries;
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pause, resume, cancel, retry', () => {
  it('pauses mid-file, sends nothing while paused, and resumes its server session', async () => {
    await open();
    const size = 20 * defaultSliceSize;
    const file = randomFile(filesDir, 'pause-me.bin', size);
    // Hold the fourth answer so the pause lands on a running attempt, after real progress.
    emulator.injectFault({ kind: 'stall', ms: 1000 }, { afterRequests: 3 });
    const [id] = await add([file.path]);
    await waitFor(() => emulator.stats().requests >= 4);
    expect(await service.dispatch('uploads.pause', { taskIds: [id] })).toEqual({ taskIds: [id] });
    await waitFor(async () => (await task(id!))?.state === 'paused');
    const paused = await task(id!);
    expect(paused!.transferredBytes).toBeGreaterThan(0);
    const frozen = emulator.stats();
    await settle(1200);
    expect(emulator.stats().requests).toBe(frozen.requests);

    expect(await service.dispatch('uploads.resume', { taskIds: [id] })).toEqual({ taskIds: [id] });
    await service.idle();
    const [entry] = await history();
    expect(entry!.sha256).toBe(file.sha256);
    // Continued where the server was: at most the slice cut by the pause went twice.
    expect(emulator.stats().sliceBytesReceived).toBeLessThanOrEqual(size + defaultSliceSize);
    expect(await emulator.listObjects()).toHaveLength(1);
  });

  it('cancels mid-file with no history and no object, and a retry starts over and completes', async () => {
    await open();
    const file = randomFile(filesDir, 'cancel-me.bin', 8 * defaultSliceSize);
    emulator.injectFault({ kind: 'stall', ms: 1000 }, { afterRequests: 2 });
    const [id] = await add([file.path]);
    await waitFor(() => emulator.stats().requests >= 3);
    expect(await service.dispatch('uploads.cancel', { taskIds: [id] })).toEqual({ taskIds: [id] });
    await service.idle();
    expect(await task(id!)).toMatchObject({ state: 'cancelled', transferredBytes: 0 });
    expect(await history()).toEqual([]);
    await settle(1100); // the stalled slice lands; it still must not make an object
    expect(await emulator.listObjects()).toEqual([]);

    expect(await service.dispatch('uploads.retry', { taskIds: [id] })).toEqual({ taskIds: [id] });
    await service.idle();
    const [entry] = await history();
    expect(entry!.sha256).toBe(file.sha256);
    expect(await emulator.listObjects()).toHaveLength(1);
  });

  it('keeps a paused queued task from starting until it is resumed', async () => {
    await open({ concurrency: 1 });
    emulator.injectFault({ kind: 'stall', ms: 300 });
    const first = randomFile(filesDir, 'first.bin', 100_000);
    const second = randomFile(filesDir, 'second.bin', 100_000);
    const [, secondId] = await add([first.path, second.path]);
    expect(await service.dispatch('uploads.pause', { taskIds: [secondId] })).toEqual({ taskIds: [secondId] });
    await service.idle();
    expect((await history()).map((e) => e.name)).toEqual(['first.bin']);
    expect(await task(secondId!)).toMatchObject({ state: 'paused', transferredBytes: 0 });
    expect(await emulator.listObjects()).toHaveLength(1);

    await service.dispatch('uploads.resume', { taskIds: [secondId] });
    await service.idle();
    expect((await history()).map((e) => e.name)).toEqual(['second.bin', 'first.bin']);
  });

  it('pauses and resumes everything at once', async () => {
    await open({ concurrency: 2 });
    emulator.injectFault({ kind: 'stall', ms: 500 });
    emulator.injectFault({ kind: 'stall', ms: 500 });
    const files = [1, 2, 3, 4].map((i) => randomFile(filesDir, `all-${i}.bin`, 2 * 1024 * 1024));
    const ids = await add(files.map((f) => f.path));
    const paused = (await service.dispatch('uploads.pauseAll', {})) as CommandResponse<'uploads.pauseAll'>;
    expect(paused.taskIds.sort()).toEqual([...ids].sort());
    await service.idle();
    const states = ((await service.dispatch('uploads.list', {})) as TaskView[]).map((t) => t.state);
    expect(states).toEqual(['paused', 'paused', 'paused', 'paused']);

    const resumed = (await service.dispatch('uploads.resumeAll', {})) as CommandResponse<'uploads.resumeAll'>;
    expect(resumed.taskIds.sort()).toEqual([...ids].sort());
    await service.idle();
    expect((await history()).map((e) => e.sha256).sort()).toEqual(files.map((f) => f.sha256).sort());
  });

  it('returns the running task when the same file is added again, and uploads it once', async () => {
    await open();
    emulator.injectFault({ kind: 'stall', ms: 200 });
    const file = randomFile(filesDir, 'twice.bin', 3 * 1024 * 1024);
    const [first] = await add([file.path]);
    const [again, alsoAgain] = await add([file.path, file.path]);
    expect(again).toBe(first);
    expect(alsoAgain).toBe(first);
    await service.idle();
    expect(await history()).toHaveLength(1);
    expect(await emulator.listObjects()).toHaveLength(1);
  });

  it('lists a running task as uploading, then as the journal has it once it stops (paused)', async () => {
    await open();
    emulator.injectFault({ kind: 'stall', ms: 400 });
    const size = 3 * 1024 * 1024;
    const file = randomFile(filesDir, 'shown.bin', size);
    const [id] = await add([file.path]);
    await waitFor(() => emulator.stats().requests >= 1);
    expect(await task(id!)).toMatchObject({ state: 'uploading' });
    await service.dispatch('uploads.pause', { taskIds: [id!] });
    await waitFor(async () => (await task(id!))?.state === 'paused');
    await service.dispatch('uploads.resume', { taskIds: [id!] });
    await service.idle();
    expect((await history()).map((entry) => entry.sha256)).toEqual([file.sha256]);
  });

  it('answers only with the tasks a command changed', async () => {
    await open();
    const file = randomFile(filesDir, 'done.bin', 10);
    const [id] = await add([file.path]);
    await service.idle();
    for (const name of ['uploads.pause', 'uploads.resume', 'uploads.cancel', 'uploads.retry'] as const) {
      expect(await service.dispatch(name, { taskIds: [id, 'no-such-task'] })).toEqual({ taskIds: [] });
    }
  });
});

describe('a file that changes during its upload', () => {
  it.each([
    ['grows', (path: string) => appendFileSync(path, Buffer.alloc(5000, 7))],
    ['is truncated', (path: string) => truncateSync(path, defaultSliceSize)],
  ])('fails with file-changed when it %s, and a retry uploads the new content', async (_label, change) => {
    await open();
    const file = randomFile(filesDir, 'changing.bin', 4 * defaultSliceSize);
    emulator.injectFault({ kind: 'stall', ms: 300 });
    const [id] = await add([file.path]);
    await waitFor(() => emulator.stats().requests >= 1);
    change(file.path);
    await service.idle();
    const failed = await task(id!);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'file-changed' } });
    expect(failed!.error!.message).toMatch(/modified after it was added/);
    expect(await history()).toEqual([]);

    await service.dispatch('uploads.retry', { taskIds: [id] });
    await service.idle();
    const [entry] = await history();
    const now = readFileSync(file.path);
    expect(entry!.sha256).toBe(sha256(now));
    expect(entry!.size).toBe(now.length);
    const downloaded = new Uint8Array(await (await fetch(entry!.links[0]!.url)).arrayBuffer());
    expect(sha256(downloaded)).toBe(sha256(now));
  });
});

describe('many small files', () => {
  it('uploads 1,000 files of 1 KiB, each once and intact', async () => {
    await open();
    const files = Array.from({ length: 1000 }, (_, i) => randomFile(filesDir, `small-${i}.bin`, 1024));
    const ids = await add(files.map((f) => f.path));
    expect(new Set(ids).size).toBe(1000);
    await service.idle();
    expect(await service.dispatch('uploads.list', {})).toEqual([]);

    const entries: CommandResponse<'history.list'>['entries'] = [];
    let cursor: string | undefined;
    do {
      const page = (await service.dispatch('history.list', {
        limit: 300,
        ...(cursor ? { cursor } : {}),
      })) as CommandResponse<'history.list'>;
      entries.push(...page.entries);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(entries).toHaveLength(1000);
    const byName = new Map(files.map((f) => [f.path.split('/').pop()!, f.sha256]));
    for (const entry of entries) expect(entry.sha256).toBe(byName.get(entry.name));
    expect(await emulator.listObjects()).toHaveLength(1000);
    for (const entry of entries.filter((_, i) => i % 20 === 0)) {
      const bytes = new Uint8Array(await (await fetch(entry.links[0]!.url)).arrayBuffer());
      expect(sha256(bytes)).toBe(byName.get(entry.name));
    }
  });
});
