import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import got from 'got';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mebibyte } from '../../main/providers/s3/part-plan.ts';
import { parseListUploads } from '../../main/providers/s3/s3-protocol.ts';
import { s3Provider, type S3Session } from '../../main/providers/s3/s3-provider.ts';
import { signRequest } from '../../main/providers/s3/s3-signing.ts';
import { SentFile } from '../../main/engine/sent-file.ts';
import type { ProxyFault, FaultOptions } from '../../main/sandbox/fault-proxy.ts';
import { startS3Emulator, type S3Emulator } from '../../main/sandbox/s3/s3-emulator.ts';
import { createService, type FerryService } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import { randomFile, sha256, tempDir } from '../support/temp.ts';
import { seededMix } from '../support/fault-mix.ts';
import { rewriteInPlace, wholeSecondTimes } from '../support/file-edits.ts';
import { BodyHold } from '../../main/sandbox/body-hold.ts';

// Fast retries and a short stall watchdog keep the suite quick; the behaviour is the same as the defaults'.
const retryPolicy = { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50 };
// 1 s, not less: s3rver writing 8 MiB parts on a loaded 2-core machine can be silent for a few hundred ms.
const stallTimeoutMs = 1000;
const twentyMiB = 20 * mebibyte + 12_345; // three parts of 8 MiB (the last shorter)
const partRequests: FaultOptions['match'] = { method: 'PUT', url: 'partNumber=' };
const completeRequests: FaultOptions['match'] = { method: 'POST', url: /\?uploadId=/ };
const createRequests: FaultOptions['match'] = { method: 'POST', url: /\?uploads=?$/ };

let emulator: S3Emulator;
let service: FerryService;
let dataDir: string;
let filesDir: string;
let accountId: string;

/** A service with the test's files folder granted, as if the user had dropped it. */
async function open(watchdogMs: number | undefined = stallTimeoutMs): Promise<FerryService> {
  const opened = await createService({ dataDir, retryPolicy, stallTimeoutMs: watchdogMs });
  opened.grantPaths([filesDir]);
  return opened;
}

async function addAccount(
  fields: Record<string, string> = {},
  secrets: Record<string, string> = { secretAccessKey: emulator.credentials.secretAccessKey },
): Promise<string> {
  const account = (await service.dispatch('accounts.add', {
    providerId: 's3',
    name: `s3 ${Math.random()}`,
    fields: {
      endpoint: emulator.baseUrl,
      region: emulator.region,
      bucket: emulator.bucket,
      pathStyle: 'true',
      accessKeyId: emulator.credentials.accessKeyId,
      ...fields,
    },
    secrets,
  })) as CommandResponse<'accounts.add'>;
  return account.id;
}

let storageDir: string;

beforeEach(async () => {
  storageDir = tempDir('ferry-s3-');
  emulator = await startS3Emulator({ storageDir });
  dataDir = tempDir('ferry-data-');
  filesDir = tempDir('ferry-files-');
  service = await open();
  accountId = await addAccount();
});

afterEach(async () => {
  await service.close();
  await emulator.close();
  // Tens of MiB per test: leave nothing behind in the temp folder.
  await Promise.all([storageDir, dataDir, filesDir].map((dir) => rm(dir, { recursive: true, force: true })));
});

async function uploadAll(
  paths: string[],
  account = accountId,
): Promise<{ tasks: TaskView[]; entries: HistoryEntryView[] }> {
  service.grantPaths(paths); // as a drop on the window would
  const { taskIds } = (await service.dispatch('uploads.add', {
    paths,
    accountId: account,
  })) as CommandResponse<'uploads.add'>;
  expect(taskIds).toHaveLength(paths.length);
  await service.idle();
  return { tasks: await listTasks(), entries: await historyEntries() };
}

async function listTasks(): Promise<TaskView[]> {
  return (await service.dispatch('uploads.list', {})) as TaskView[];
}

async function historyEntries(): Promise<HistoryEntryView[]> {
  const page = (await service.dispatch('history.list', { limit: 500 })) as CommandResponse<'history.list'>;
  return page.entries;
}

async function downloadSha(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return sha256(new Uint8Array(await response.arrayBuffer()));
}

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  ms = 60_000, // a deadline only: generous, since a loaded machine (the full suite beside other work) is slow
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once `read()` has kept the same value for `quietMs`. */
async function settled(read: () => number, quietMs = 150): Promise<void> {
  let value = read();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (read() !== value) [value, since] = [read(), Date.now()];
  }
}

/** Multipart uploads the server still holds, asked the way any S3 client would (ListMultipartUploads). */
async function listedUploads(): Promise<Array<{ key: string; uploadId: string }>> {
  const target = {
    endpoint: emulator.baseUrl,
    region: emulator.region,
    bucket: emulator.bucket,
    pathStyle: true,
  };
  const signed = signRequest(target, emulator.credentials, { method: 'GET', query: { uploads: '' } });
  const response = await fetch(signed.url, { headers: signed.headers });
  expect(response.status).toBe(200);
  return parseListUploads(await response.text());
}

function injectAll(faults: Array<[ProxyFault, FaultOptions?]>): void {
  for (const [fault, options] of faults) emulator.injectFault(fault, options);
}

const s3ErrorBody = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>r</RequestId></Error>`;

describe('uploads through the service', () => {
  it('stores 0 bytes, a small file and a 40 MiB multipart file; presigned links return identical bytes', async () => {
    const accountWithPrefix = await addAccount({ keyPrefix: 'ferry/', partConcurrency: '3' });
    const files = [
      randomFile(filesDir, 'empty.bin', 0),
      randomFile(filesDir, 'small photo+1.jpg', 1000),
      randomFile(filesDir, 'big.bin', 40 * mebibyte),
    ];
    const { tasks, entries } = await uploadAll(
      files.map((file) => file.path),
      accountWithPrefix,
    );
    expect(tasks).toEqual([]);
    expect(entries).toHaveLength(3);
    for (const file of files) {
      const entry = entries.find((candidate) => candidate.sha256 === file.sha256)!;
      expect(entry.remoteId).toMatch(
        new RegExp(`^ferry/\\d{4}/\\d{2}/[0-9a-f]{16}-${entry.name.replace(/[+.]/g, '\\$&')}$`),
      );
      expect(entry.links[0]).toMatchObject({ kind: 'original', size: entry.size });
      expect(new URL(entry.links[0]!.url).searchParams.get('X-Amz-Expires')).toBe('604800');
      expect(await downloadSha(entry.links[0]!.url)).toBe(file.sha256);
    }
    expect(entries.find((entry) => entry.name === 'big.bin')!.details).toMatchObject({ parts: 5 });
    expect((await emulator.listObjects()).map((object) => object.size).sort((a, b) => a - b)).toEqual([
      0,
      1000,
      40 * mebibyte,
    ]);
    expect(await listedUploads()).toEqual([]);
    // Nothing was sent twice: the body bytes that reached the server are the files plus one small XML.
    const sent = emulator.stats().requestBodyBytes;
    expect(sent).toBeGreaterThanOrEqual(40 * mebibyte + 1000);
    expect(sent).toBeLessThan(40 * mebibyte + 1000 + 2000);
  });

  it('sends a Content-MD5 the server can check for every part and object in content-md5 mode', async () => {
    const account = await addAccount({ checksumMode: 'content-md5' });
    const files = [randomFile(filesDir, 'parts.bin', twentyMiB), randomFile(filesDir, 'one.bin', 5000)];
    const { tasks, entries } = await uploadAll(
      files.map((file) => file.path),
      account,
    );
    expect(tasks).toEqual([]);
    expect(entries).toHaveLength(2);
    expect(emulator.stats()).toMatchObject({ contentMd5Headers: 4, contentMd5Mismatches: 0 });
  });

  it('makes public links from publicBaseUrl + key', async () => {
    const account = await addAccount({ linkMode: 'public', publicBaseUrl: 'https://cdn.example.com/media/' });
    const file = randomFile(filesDir, 'a b.txt', 10);
    const { entries } = await uploadAll([file.path], account);
    expect(entries[0]!.links[0]!.url).toBe(
      `https://cdn.example.com/media/${entries[0]!.remoteId.replace(' ', '%20')}`,
    );
  });

  it('cancel aborts the multipart upload: nothing left in ListMultipartUploads or in s3rver’s files', async () => {
    const account = await addAccount({ partConcurrency: '1' });
    const file = randomFile(filesDir, 'cancelled.bin', 40 * mebibyte);
    // Part 3 is throttled for long enough that the cancel lands while the upload is open.
    emulator.injectFault(
      { kind: 'status', status: 503, retryAfterSeconds: 30 },
      { match: { url: 'partNumber=3' } },
    );
    const { taskIds } = (await service.dispatch('uploads.add', {
      paths: [file.path],
      accountId: account,
    })) as CommandResponse<'uploads.add'>;
    await waitFor(() => emulator.stats().faultsApplied === 1, 'the throttled part');
    expect(await emulator.listUploads()).toMatchObject([{ parts: [1, 2] }]);
    await service.dispatch('uploads.cancel', { taskIds });
    await service.idle();
    expect((await listTasks())[0]).toMatchObject({ state: 'cancelled' });
    expect(await listedUploads()).toEqual([]);
    expect(await emulator.listUploads()).toEqual([]);
    expect(await emulator.listObjects()).toEqual([]);
  });

  it('resumes a journaled session after a restart via ListParts, sending only what the server lacks', async () => {
    const account = await addAccount({ partConcurrency: '1' });
    const file = randomFile(filesDir, 'resumed.bin', 40 * mebibyte);
    // Part 4 reaches the server but its answer never comes back (so it is not journaled); the
    // ListParts that would find it is throttled until the app "crashes".
    injectAll([
      [{ kind: 'stall', ms: 5000 }, { match: { url: 'partNumber=4' } }],
      [
        { kind: 'status', status: 503, retryAfterSeconds: 60 },
        { match: { method: 'GET', url: 'uploadId=' } },
      ],
    ]);
    await service.dispatch('uploads.add', { paths: [file.path], accountId: account });
    await waitFor(() => emulator.stats().faultsApplied === 2, 'the throttled ListParts after part 4');
    const [before] = await emulator.listUploads();
    expect(before!.parts).toEqual([1, 2, 3, 4]);
    const journaled = (await listTasks())[0]!;
    expect(journaled.transferredBytes).toBeGreaterThanOrEqual(3 * 8 * mebibyte);
    await service.close();
    // Bytes the closed service wrote before its requests were aborted may still be on their way
    // through the proxy (in this very process): count from when they have all arrived.
    await settled(() => emulator.stats().requestBodyBytes);

    const sentBefore = emulator.stats().requestBodyBytes;
    service = await open(); // resumes what the journal holds
    await service.idle();
    const entries = await historyEntries();
    expect(entries).toHaveLength(1);
    // Parts 1–4 went out before the restart: their bytes were read back for the SHA-256.
    expect(entries[0]!.sha256).toBe(file.sha256);
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
    // The server's list won: only part 5 (8 MiB) and the Complete body were sent after the restart.
    const sentAfter = emulator.stats().requestBodyBytes - sentBefore;
    expect(sentAfter).toBeGreaterThanOrEqual(8 * mebibyte);
    expect(sentAfter).toBeLessThan(8 * mebibyte + 5000); // a slow Complete may be sent more than once
    expect(await emulator.listUploads()).toEqual([]);
    expect(await emulator.listObjects()).toHaveLength(1);
  });

  it('starts a new multipart upload when a resumed session’s upload is gone (NoSuchUpload)', async () => {
    const account = await addAccount({ partConcurrency: '1' });
    const file = randomFile(filesDir, 'forgotten.bin', twentyMiB);
    emulator.injectFault(
      { kind: 'status', status: 503, retryAfterSeconds: 60 },
      { match: { url: 'partNumber=2' } },
    );
    await service.dispatch('uploads.add', { paths: [file.path], accountId: account });
    await waitFor(() => emulator.stats().faultsApplied === 1, 'the throttled part 2');
    await service.close();
    // The server forgets the upload meanwhile (a lifecycle rule, an operator's abort).
    const [gone] = await emulator.listUploads();
    const target = {
      endpoint: emulator.baseUrl,
      region: emulator.region,
      bucket: emulator.bucket,
      pathStyle: true,
    };
    const abort = signRequest(target, emulator.credentials, {
      method: 'DELETE',
      key: gone!.key,
      query: { uploadId: gone!.uploadId },
    });
    expect((await fetch(abort.url, { method: 'DELETE', headers: abort.headers })).status).toBe(204);

    service = await open();
    await service.idle();
    const entries = await historyEntries();
    expect(entries).toHaveLength(1);
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
    expect(await emulator.listUploads()).toEqual([]);
    expect(await emulator.listObjects()).toHaveLength(1);
  });
});

describe('what was sent is what was hashed', () => {
  const cases: Array<[string, Record<string, string>, number, FaultOptions['match'], number]> = [
    // Parts 1–3 go out at once; part 2 is held, and its first bytes are the ones rewritten.
    ['a multipart upload', {}, twentyMiB, { method: 'PUT', url: 'partNumber=2' }, 8 * mebibyte],
    // One part allowed: the whole file is one PutObject.
    ['a single PutObject', { maxParts: '1' }, 16 * mebibyte, { method: 'PUT' }, 0],
  ];

  it.each(cases)(
    'fails %s as file-changed when the file is rewritten in place mid-body (same size and mtime), leaving no object',
    async (_label, fields, size, match, editAt) => {
      // The default watchdog: a short one could give up on the request before the hold is reached.
      await service.close();
      service = await open(undefined);
      const account = await addAccount(fields);
      const { path } = randomFile(filesDir, 'rewritten.bin', size);
      wholeSecondTimes(path);
      const hold = new BodyHold(64 * 1024);
      emulator.injectFault({ kind: 'hold', hold }, { match });
      const { taskIds } = (await service.dispatch('uploads.add', {
        paths: [path],
        accountId: account,
      })) as CommandResponse<'uploads.add'>;
      await hold.reached;
      rewriteInPlace(path, editAt, 4096); // bytes the server already has
      hold.release();
      await service.idle();

      const [task] = await listTasks();
      expect(task).toMatchObject({ id: taskIds[0], state: 'failed', error: { code: 'file-changed' } });
      expect(task!.error!.message).toMatch(/changed during its upload/);
      expect(await historyEntries()).toEqual([]);
      // The cut PutObject reaches the server a moment after the client gave up on it.
      await waitFor(async () => (await emulator.listObjects()).length === 0, 'no object');
      expect(await listedUploads()).toEqual([]); // the multipart upload was aborted
      expect(await emulator.listUploads()).toEqual([]);
    },
  );
});

describe('each fault alone, on a three-part file', () => {
  const recoverable: Array<[string, ProxyFault, FaultOptions]> = [
    ['a connection reset mid-body of a part', { kind: 'reset' }, { match: partRequests }],
    ['HTTP 500 on a part', { kind: 'status', status: 500 }, { match: partRequests, afterRequests: 1 }],
    [
      'a 503 SlowDown on a part',
      { kind: 'status', status: 503, body: s3ErrorBody('SlowDown', 'Please reduce your request rate.') },
      { match: partRequests },
    ],
    ['a stalled answer to a part', { kind: 'stall', ms: 3 * stallTimeoutMs }, { match: partRequests }],
    ['a 500 on CreateMultipartUpload', { kind: 'status', status: 500 }, { match: createRequests }],
    [
      'a garbled CreateMultipartUpload answer',
      { kind: 'malformed', body: '<InitiateMultipartUploadResult><Upl', forward: false },
      { match: createRequests },
    ],
    [
      'a stalled answer to a Complete that took effect',
      { kind: 'stall', ms: 3 * stallTimeoutMs },
      { match: completeRequests },
    ],
    [
      'a 200 <Error> answer to a Complete that took effect',
      {
        kind: 'malformed',
        body: s3ErrorBody('InternalError', 'We encountered an internal error. Please try again.'),
      },
      { match: completeRequests },
    ],
    [
      'a 200 <Error> answer to a Complete that did not',
      {
        kind: 'malformed',
        forward: false,
        body: `\n\n${s3ErrorBody('InternalError', 'We encountered an internal error. Please try again.')}`,
      },
      { match: completeRequests },
    ],
    ['a reset before a Complete answer', { kind: 'reset', afterBodyBytes: 0 }, { match: completeRequests }],
  ];

  it.each(recoverable)(
    'recovers from %s: identical bytes, exactly one object, no upload left',
    async (_label, fault, options) => {
      const file = randomFile(filesDir, 'f.bin', twentyMiB);
      emulator.injectFault(fault, options);
      const { tasks, entries } = await uploadAll([file.path]);
      expect(tasks).toEqual([]);
      expect(emulator.stats().faultsApplied).toBe(1);
      expect(entries).toHaveLength(1);
      expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
      expect(await emulator.listObjects()).toEqual([{ key: entries[0]!.remoteId, size: twentyMiB }]);
      expect(await emulator.listUploads()).toEqual([]);
    },
  );

  it('recovers from a reset, a 500 and a 200 that is not from S3 on a single PutObject', async () => {
    const file = randomFile(filesDir, 'single.bin', 3 * mebibyte);
    // On the PutObject itself: a HEAD asked after an answer in doubt must not take a fault meant for it.
    const onPut = { match: { method: 'PUT' } };
    injectAll([
      [{ kind: 'reset' }, onPut],
      [{ kind: 'status', status: 500, body: s3ErrorBody('InternalError', 'oops') }, onPut],
      // A captive portal or broken proxy: 200 and HTML, the object never stored.
      [
        {
          kind: 'malformed',
          status: 200,
          body: '<html>welcome</html>',
          contentType: 'text/html',
          forward: false,
        },
        onPut,
      ],
    ]);
    const { tasks, entries } = await uploadAll([file.path]);
    expect(tasks).toEqual([]);
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
    // 3 failed PUTs, the good one and the download; plus one HEAD when the reset came after the whole
    // body was sent (the answer was then in doubt, and Ferry asks before sending again).
    const stats = emulator.stats();
    expect(stats.requestsByMethod).toMatchObject({ PUT: 4, GET: 1 });
    const heads = stats.requestsByMethod.HEAD ?? 0;
    expect(heads).toBeLessThanOrEqual(1);
    expect(stats).toMatchObject({ requests: 5 + heads, faultsApplied: 3 });
  });

  it('waits at least what a 429 Retry-After asks before sending the part again', async () => {
    const file = randomFile(filesDir, 'throttled.bin', twentyMiB);
    emulator.injectFault(
      { kind: 'status', status: 429, body: 'slow down', retryAfterSeconds: 1 },
      { match: partRequests },
    );
    const started = performance.now();
    const { entries } = await uploadAll([file.path]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
  });

  it('gives up on a part after the retry budget with the reason, and a retry continues from ListParts', async () => {
    const file = randomFile(filesDir, 'doomed.bin', twentyMiB);
    for (let i = 0; i < retryPolicy.maxAttempts; i++) {
      emulator.injectFault(
        { kind: 'status', status: 503, body: s3ErrorBody('SlowDown', 'Please reduce your request rate.') },
        { match: { url: 'partNumber=3' } },
      );
    }
    const { tasks } = await uploadAll([file.path]);
    expect(tasks[0]).toMatchObject({
      state: 'failed',
      error: {
        code: 'http-status',
        providerCode: 'SlowDown',
        providerMessage: 'Please reduce your request rate.',
      },
    });
    expect(await emulator.listUploads()).toMatchObject([{ parts: [1, 2] }]);

    emulator.clearFaults();
    const sentBefore = emulator.stats().requestBodyBytes;
    await service.dispatch('uploads.retry', { taskIds: [tasks[0]!.id] });
    await service.idle();
    const entries = await historyEntries();
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
    const sentAfter = emulator.stats().requestBodyBytes - sentBefore;
    expect(sentAfter).toBeLessThan(twentyMiB - 16 * mebibyte + 5000); // only part 3 and the Complete
    expect(await emulator.listUploads()).toEqual([]);
  });
});

describe('answers lost after the server acted', () => {
  const lost: ProxyFault = { kind: 'lose-answer' };

  const listUploadsRequests: FaultOptions['match'] = { method: 'GET', url: /[?&]uploads=?(&|$)/ };

  it('after a lost CreateMultipartUpload answer, reuses the upload the server made: no orphan', async () => {
    const file = randomFile(filesDir, 'created.bin', twentyMiB);
    emulator.injectFault(lost, { match: createRequests });
    const { tasks, entries } = await uploadAll([file.path]);
    expect(tasks).toEqual([]);
    expect(emulator.stats().faultsApplied).toBe(1);
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
    expect(await listedUploads()).toEqual([]); // no empty upload left behind
    expect(await emulator.listObjects()).toEqual([{ key: entries[0]!.remoteId, size: twentyMiB }]);
    expect(emulator.stats().requestBodyBytes).toBeLessThan(twentyMiB + 2000);
  });

  it('after two lost creations (the listing between them denied), keeps one upload and aborts the other', async () => {
    const file = randomFile(filesDir, 'created-twice.bin', twentyMiB);
    injectAll([
      [lost, { match: createRequests }],
      // A key allowed to upload but not to list uploads: Ferry creates anew, as it did before.
      [
        { kind: 'status', status: 403, body: s3ErrorBody('AccessDenied', 'Access Denied') },
        { match: listUploadsRequests },
      ],
      [lost, { match: createRequests }],
    ]);
    const { tasks, entries } = await uploadAll([file.path]);
    expect(tasks).toEqual([]);
    expect(emulator.stats().faultsApplied).toBe(3);
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
    expect(await listedUploads()).toEqual([]);
    expect(await emulator.listObjects()).toHaveLength(1);
  });

  it('aborts what a lost creation left when the task is cancelled before any upload id was known', async () => {
    const file = randomFile(filesDir, 'cancel-early.bin', twentyMiB);
    // The creation's answer is lost, and the listing that would find the upload is throttled.
    injectAll([
      [lost, { match: createRequests }],
      [{ kind: 'status', status: 503, retryAfterSeconds: 30 }, { match: listUploadsRequests }],
    ]);
    const { taskIds } = (await service.dispatch('uploads.add', {
      paths: [file.path],
      accountId,
    })) as CommandResponse<'uploads.add'>;
    await waitFor(() => emulator.stats().faultsApplied === 2, 'the throttled listing');
    expect(await emulator.listUploads()).toHaveLength(1);
    await service.dispatch('uploads.cancel', { taskIds });
    await service.idle();
    expect((await listTasks())[0]).toMatchObject({ state: 'cancelled' });
    expect(await listedUploads()).toEqual([]);
  });

  it('after a lost UploadPart answer, asks ListParts instead of sending the part again', async () => {
    const file = randomFile(filesDir, 'part.bin', twentyMiB);
    emulator.injectFault(lost, { match: { method: 'PUT', url: 'partNumber=2' } });
    const { tasks, entries } = await uploadAll([file.path]);
    expect(tasks).toEqual([]);
    expect(emulator.stats().faultsApplied).toBe(1);
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
    // The file once and the Complete body: the 8 MiB part the server had was not sent again.
    expect(emulator.stats().requestBodyBytes).toBeLessThan(twentyMiB + 2000);
    expect(await listedUploads()).toEqual([]);
  });

  it('after a lost PutObject answer, finds the object (HEAD) instead of sending it again', async () => {
    const file = randomFile(filesDir, 'single.bin', 3 * mebibyte);
    emulator.injectFault(lost, { match: { method: 'PUT' } });
    const { tasks, entries } = await uploadAll([file.path]);
    expect(tasks).toEqual([]);
    expect(await downloadSha(entries[0]!.links[0]!.url)).toBe(file.sha256);
    expect(emulator.stats().requestBodyBytes).toBe(3 * mebibyte);
    expect(entries[0]!.details.etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('loses a fifth of all answers over six files: every file stored once, no orphan upload, no part sent twice', async () => {
    const { random } = seededMix('s3-lost-answers');
    const files = [
      randomFile(filesDir, 'lost-0.bin', 0),
      randomFile(filesDir, 'lost-1.bin', Math.floor(random() * 4 * mebibyte)),
      randomFile(filesDir, 'lost-2.bin', 8 * mebibyte + Math.floor(random() * 16 * mebibyte)),
      randomFile(filesDir, 'lost-3.bin', 8 * mebibyte + Math.floor(random() * 16 * mebibyte)),
      randomFile(filesDir, 'lost-4.bin', 8 * mebibyte + Math.floor(random() * 16 * mebibyte)),
      randomFile(filesDir, 'lost-5.bin', 16 * mebibyte + Math.floor(random() * 8 * mebibyte)),
    ];
    const total = files.reduce((sum, file) => sum + readFileSync(file.path).length, 0);
    // The default watchdog: a lost answer fails at once, while a short watchdog on this loaded
    // machine would also cut slow parts, which are rightly sent again and would blur the count.
    await service.close();
    service = await createService({ dataDir, retryPolicy });
    // A lost answer after every 0–7 others (3.5 on average): about one request in five.
    for (let i = 0; i < 16; i++) emulator.injectFault(lost, { afterRequests: Math.floor(random() * 8) });

    const { tasks } = await uploadAll(files.map((file) => file.path));
    const lostAnswers = emulator.stats().faultsApplied;
    emulator.clearFaults();
    if (tasks.length > 0) {
      await service.dispatch('uploads.retry', { taskIds: tasks.map((task) => task.id) });
      await service.idle();
    }
    expect(await listTasks()).toEqual([]);
    const entries = await historyEntries();
    expect(entries.map((entry) => entry.sha256).sort()).toEqual(files.map((file) => file.sha256).sort());
    const orphans = await listedUploads();
    const { requests, requestBodyBytes } = emulator.stats();
    console.log(
      `${lostAnswers} answers lost of ${requests} requests, ${tasks.length} task(s) retried, ` +
        `${orphans.length} orphan upload(s), ${requestBodyBytes - total} bytes beyond the files`,
    );
    expect(lostAnswers).toBeGreaterThanOrEqual(2);
    expect(orphans).toEqual([]);
    // Beyond the files: only Complete bodies (a few hundred bytes each, sent again when lost).
    expect(requestBodyBytes - total).toBeLessThan(20_000);
    for (const entry of entries) expect(await downloadSha(entry.links[0]!.url)).toBe(entry.sha256);
    expect(await emulator.listObjects()).toHaveLength(files.length);
  });
});

describe('faults mixed at random', () => {
  it('ends every file done with identical bytes or failed with a specific reason, one object each', async () => {
    const { random, pick } = seededMix('s3');
    const kinds: Array<() => ProxyFault> = [
      () => ({ kind: 'reset' }),
      () => ({ kind: 'status', status: pick([500, 502, 503]) }),
      () => ({ kind: 'status', status: 503, body: s3ErrorBody('SlowDown', 'Reduce your request rate.') }),
      () => ({ kind: 'status', status: 429, retryAfterSeconds: 0 }),
      () => ({ kind: 'stall', ms: stallTimeoutMs * 2 }),
      () => ({ kind: 'malformed', body: s3ErrorBody('InternalError', 'try again'), forward: random() < 0.5 }),
      () => ({ kind: 'malformed', body: '<html>proxy error</html>', forward: false }),
    ];
    const files = [
      randomFile(filesDir, 'mix-0.bin', 0),
      randomFile(filesDir, 'mix-1.bin', Math.floor(random() * 2 * mebibyte)),
      randomFile(filesDir, 'mix-2.bin', Math.floor(random() * 2 * mebibyte)),
      randomFile(filesDir, 'mix-3.bin', 8 * mebibyte + Math.floor(random() * 12 * mebibyte)),
      randomFile(filesDir, 'mix-4.bin', 8 * mebibyte + Math.floor(random() * 12 * mebibyte)),
    ];
    for (let i = 0; i < 14; i++) {
      emulator.injectFault(pick(kinds)(), { afterRequests: Math.floor(random() * 4) });
    }

    const { tasks, entries } = await uploadAll(files.map((file) => file.path));
    emulator.clearFaults();
    const allowedFailures: ErrorCode[] = [
      'provider-rejected',
      'http-status',
      'network',
      'malformed-response',
    ];
    for (const task of tasks) {
      expect(task.state).toBe('failed');
      expect(allowedFailures).toContain(task.error?.code);
    }
    expect(tasks.length + entries.length).toBe(files.length);

    if (tasks.length > 0) {
      await service.dispatch('uploads.retry', { taskIds: tasks.map((task) => task.id) });
      await service.idle();
    }
    expect(await listTasks()).toEqual([]);
    const after = await historyEntries();
    expect(after.map((entry) => entry.sha256).sort()).toEqual(files.map((file) => file.sha256).sort());
    for (const entry of after) expect(await downloadSha(entry.links[0]!.url)).toBe(entry.sha256);
    const objects = await emulator.listObjects();
    expect(objects.map((object) => object.key).sort()).toEqual(after.map((entry) => entry.remoteId).sort());
    expect(new Set(objects.map((object) => object.key)).size).toBe(files.length);
  });
});

describe('refusals', () => {
  it('a wrong secret fails at once as credentials-rejected with S3’s own code and message', async () => {
    const account = await addAccount({}, { secretAccessKey: 'not-the-secret' });
    const files = [randomFile(filesDir, 'small.bin', 100), randomFile(filesDir, 'parts.bin', twentyMiB)];
    const { tasks, entries } = await uploadAll(
      files.map((file) => file.path),
      account,
    );
    expect(entries).toEqual([]);
    for (const task of tasks) {
      expect(task).toMatchObject({
        state: 'failed',
        error: { code: 'credentials-rejected', providerCode: 'SignatureDoesNotMatch' },
      });
      expect(task.error!.providerMessage).toMatch(/signature we calculated does not match/);
    }
    expect(emulator.stats().requests).toBe(2); // no retries
    expect(await service.dispatch('accounts.test', { id: account })).toMatchObject({
      ok: false,
      error: { code: 'credentials-rejected' },
    });
  });

  it('a bucket that does not exist fails as provider-rejected NoSuchBucket', async () => {
    const account = await addAccount({ bucket: 'no-such-bucket' });
    const { tasks } = await uploadAll([randomFile(filesDir, 'x.bin', 10).path], account);
    expect(tasks[0]).toMatchObject({
      state: 'failed',
      error: {
        code: 'provider-rejected',
        providerCode: 'NoSuchBucket',
        providerMessage: 'The specified bucket does not exist',
      },
    });
    expect(await service.dispatch('accounts.test', { id: account })).toMatchObject({
      ok: false,
      error: { code: 'provider-rejected', providerCode: 'NoSuchBucket' },
    });
  });

  it('testConnection (HeadBucket) passes for a good account and names an unknown key id', async () => {
    expect(await service.dispatch('accounts.test', { id: accountId })).toEqual({ ok: true });
    const stranger = await addAccount({ accessKeyId: 'NOBODY' });
    expect(await service.dispatch('accounts.test', { id: stranger })).toMatchObject({
      ok: false,
      error: { code: 'credentials-rejected', providerCode: 'InvalidAccessKeyId' },
    });
  });

  it('testConnection with a wrong secret gives the server’s own code and message, not a bare 403', async () => {
    const wrong = await addAccount({}, { secretAccessKey: 'not-the-secret' });
    const answer = (await service.dispatch('accounts.test', {
      id: wrong,
    })) as CommandResponse<'accounts.test'>;
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'credentials-rejected', providerCode: 'SignatureDoesNotMatch' },
    });
    const message = answer.ok ? '' : (answer.error.providerMessage ?? '');
    expect(message).toMatch(/signature/i);
  });
});

describe('virtual-host addressing', () => {
  // *.localhost does not resolve on every machine: this client resolves it to loopback itself, the
  // way a user's DNS would resolve <bucket>.s3.example.com. The adapter is driven directly because
  // the service's HTTP client is its own.
  const http = got.extend({
    retry: { limit: 0 },
    dnsLookup: ((
      hostname: string,
      options: LookupOptions,
      callback: (
        error: NodeJS.ErrnoException | null,
        address: string | LookupAddress[],
        family?: number,
      ) => void,
    ) => {
      if (!hostname.endsWith('.localhost')) return dnsLookup(hostname, options, callback as never);
      if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    }) as never,
  });

  it('uploads a small and a multipart file with the bucket in the host name', async () => {
    const config = s3Provider.parseConfig({
      endpoint: emulator.vhostEndpoint,
      bucket: emulator.bucket,
      pathStyle: 'false',
      accessKeyId: emulator.credentials.accessKeyId,
    });
    for (const size of [700, twentyMiB]) {
      const source = randomFile(filesDir, `vhost-${size}.bin`, size);
      const file = await SentFile.open(source.path, { mimeType: 'application/octet-stream' });
      const ctx = {
        config,
        secrets: { secretAccessKey: emulator.credentials.secretAccessKey },
        http,
        signal: new AbortController().signal,
        onBytesSent: () => {},
      };
      await s3Provider.testConnection!(ctx);
      let session: S3Session = await s3Provider.startSession(ctx, file);
      let result;
      for (let steps = 0; steps < 20 && !result; steps++) {
        const step = await s3Provider.step(ctx, file, session);
        if (step.kind === 'done') result = step.result;
        else session = step.session;
      }
      expect(result).toBeDefined();
      const link = result!.links[0]!.url;
      expect(new URL(link).host).toBe(`${emulator.bucket}.s3.localhost:${new URL(emulator.baseUrl).port}`);
      const downloaded = await http.get(link).buffer();
      expect(sha256(downloaded)).toBe(source.sha256);
    }
    expect((await emulator.listObjects()).map((object) => object.size).sort((a, b) => a - b)).toEqual([
      700,
      twentyMiB,
    ]);
  });
});
