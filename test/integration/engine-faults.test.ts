import { defaultSliceSize } from '../../main/providers/tencent-im/slice-plan.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAccountId, type FerryService } from '../../main/service.ts';
import type { PicUpEmulator, PicUpFault } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import { randomFile, sha256 } from '../support/temp.ts';
import { seededMix, expectMixOutcome } from '../support/fault-mix.ts';
import { fastRetries, startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';

// A short stall watchdog keeps the suite quick; the behaviour is the same as the default's.
const stallTimeoutMs = 300;

let harness: ServiceHarness;
let emulator: PicUpEmulator;
let service: FerryService;
let filesDir: string;

beforeEach(async () => {
  harness = await startServiceHarness({ service: { stallTimeoutMs } });
  ({ emulator, service, filesDir } = harness);
});

afterEach(() => harness.close());

async function uploadAll(paths: string[]): Promise<{ tasks: TaskView[]; entries: HistoryEntryView[] }> {
  const { taskIds } = (await service.dispatch('uploads.add', {
    paths,
    accountId: sandboxAccountId,
  })) as CommandResponse<'uploads.add'>;
  await service.idle();
  const tasks = (await service.dispatch('uploads.list', {})) as TaskView[];
  const page = (await service.dispatch('history.list', { limit: 500 })) as CommandResponse<'history.list'>;
  expect(taskIds).toHaveLength(paths.length);
  return { tasks, entries: page.entries };
}

async function downloadSha(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return sha256(new Uint8Array(await response.arrayBuffer()));
}

const threeSlices = 2 * defaultSliceSize + 4321;

describe('each fault alone, on a multi-slice file', () => {
  const recoverable: Array<[string, PicUpFault]> = [
    ['connection reset mid-body', { kind: 'reset' }],
    ['HTTP 500', { kind: 'http-status', status: 500 }],
    ['HTTP 503', { kind: 'http-status', status: 503, body: 'maintenance' }],
    ['a stalled answer longer than the watchdog', { kind: 'stall', ms: 3 * stallTimeoutMs }],
    ['malformed JSON with HTTP 200', { kind: 'http-status', status: 200, body: '{"ActionStatus": "OK", ' }],
    ['a retryable FAIL (IsRejectRetry 0)', { kind: 'retryable-fail', errorInfo: 'busy' }],
    ['a Next_Offset rewind to 0', { kind: 'rewind', toOffset: 0 }],
  ];

  it.each(recoverable)('recovers from %s: identical bytes, one object', async (_label, fault) => {
    const file = randomFile(filesDir, 'f.bin', threeSlices);
    emulator.injectFault(fault);
    const { tasks, entries } = await uploadAll([file.path]);
    expect(tasks).toEqual([]);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.sha256).toBe(file.sha256);
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
    expect(await emulator.listObjects()).toHaveLength(1);
    expect(emulator.stats().requests).toBeGreaterThan(3); // the fault cost at least one extra request
  });

  it('waits at least what a 429 Retry-After asks before trying again', async () => {
    const file = randomFile(filesDir, 'throttled.bin', threeSlices);
    emulator.injectFault({ kind: 'http-status', status: 429, body: 'slow down', retryAfterSeconds: 1 });
    const started = performance.now();
    const { entries } = await uploadAll([file.path]);
    // Without Retry-After the fast policy would retry within 50 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(entries[0]!.sha256).toBe(file.sha256);
  });

  it('fails at once, with the server ErrorInfo, on IsRejectRetry 1', async () => {
    const file = randomFile(filesDir, 'rejected.bin', threeSlices);
    emulator.injectFault({ kind: 'reject', errorCode: -6, errorInfo: 'File_Type not allowed here' });
    const { tasks, entries } = await uploadAll([file.path]);
    expect(entries).toEqual([]);
    expect(tasks[0]).toMatchObject({
      state: 'failed',
      error: { code: 'provider-rejected', providerMessage: 'File_Type not allowed here', providerCode: '-6' },
    });
    expect(emulator.stats().requests).toBe(1);
    expect(await emulator.listObjects()).toEqual([]);
  });

  it.each<[string, PicUpFault, ErrorCode, RegExp]>([
    ['HTTP 503', { kind: 'http-status', status: 503, body: 'down' }, 'http-status', /HTTP 503: down/],
    ['a reset', { kind: 'reset' }, 'network', /Network problem/],
    ['malformed JSON', { kind: 'http-status', status: 200, body: 'nope' }, 'malformed-response', /not JSON/],
  ])(
    'gives up after the retry budget on repeated %s, with a specific reason',
    async (_label, fault, code, message) => {
      const file = randomFile(filesDir, 'doomed.bin', threeSlices);
      for (let i = 0; i < fastRetries.maxAttempts; i++) emulator.injectFault(fault);
      const { tasks } = await uploadAll([file.path]);
      expect(tasks[0]).toMatchObject({ state: 'failed', error: { code } });
      expect(tasks[0]!.error!.message).toMatch(message);
      // A final error says that Ferry stopped, after how many tries, and what the user can do.
      expect(tasks[0]!.error!.message).toContain(`Ferry stopped after ${fastRetries.maxAttempts} tries`);
      expect(tasks[0]!.error!.message).toMatch(/check the network connection and the server, then retry/);
      expect(emulator.stats().requests).toBe(fastRetries.maxAttempts);
    },
  );

  it('says that Ferry stopped, not that it is trying again, once the stall watchdog gives up for good', async () => {
    const file = randomFile(filesDir, 'stalled.bin', threeSlices);
    for (let i = 0; i < fastRetries.maxAttempts; i++)
      emulator.injectFault({ kind: 'stall', ms: 5 * stallTimeoutMs });
    const { tasks, entries } = await uploadAll([file.path]);
    expect(entries).toEqual([]);
    expect(tasks[0]).toMatchObject({ state: 'failed', error: { code: 'network' } });
    const { message } = tasks[0]!.error!;
    expect(message).not.toMatch(/trying again/i);
    expect(message).toMatch(/^No progress for 0\.3 s\. /);
    expect(message).toContain(`Ferry stopped after ${fastRetries.maxAttempts} tries`);
    expect(message).toMatch(/check the network connection and the server, then retry/);
    expect(emulator.stats().requests).toBe(fastRetries.maxAttempts);
  });
});

describe('faults mixed at random', () => {
  it('ends every file done with identical bytes or failed with a specific reason, never duplicated', async () => {
    const { random, pick } = seededMix('tencent-im');
    const kinds: Array<() => PicUpFault> = [
      () => ({ kind: 'reset' }),
      () => ({ kind: 'http-status', status: pick([500, 502, 503]) }),
      () => ({ kind: 'http-status', status: 429, retryAfterSeconds: 0 }),
      () => ({ kind: 'http-status', status: 200, body: '<html>proxy error</html>' }),
      () => ({ kind: 'stall', ms: stallTimeoutMs * 2 }),
      () => ({ kind: 'retryable-fail', errorInfo: 'try later' }),
      () => ({ kind: 'reject', errorInfo: 'refused by policy' }),
    ];
    const files = Array.from({ length: 8 }, (_, i) =>
      randomFile(filesDir, `mix-${i}.bin`, i === 0 ? 0 : Math.floor(random() * 3 * defaultSliceSize)),
    );
    for (let i = 0; i < 30; i++) emulator.injectFault(pick(kinds)());

    const { tasks, entries } = await uploadAll(files.map((f) => f.path));
    const allowedFailures: ErrorCode[] = [
      'provider-rejected',
      'http-status',
      'network',
      'malformed-response',
    ];
    await expectMixOutcome({ tasks, entries }, files, allowedFailures, (entry) =>
      downloadSha(entry.links[0]!.url),
    );

    // A failed task may still have finished on the server (a stalled final answer, then a rejected
    // retry): that object must be the one a retry finds, never a second copy.
    emulator.clearFaults();
    const { taskIds } = (await service.dispatch('uploads.retry', {
      taskIds: tasks.map((t) => t.id),
    })) as CommandResponse<'uploads.retry'>;
    expect(taskIds).toHaveLength(tasks.length);
    await service.idle();
    expect(await service.dispatch('uploads.list', {})).toEqual([]);
    const after = (await service.dispatch('history.list', { limit: 500 })) as CommandResponse<'history.list'>;
    expect(after.entries.map((e) => e.sha256).sort()).toEqual(files.map((f) => f.sha256).sort());
    const objects = await emulator.listObjects();
    expect(objects).toHaveLength(files.length);
    expect(new Set(objects.map((o) => o.uuid)).size).toBe(files.length);
  });
});
