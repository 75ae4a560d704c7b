import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createService, type FerryService } from '../../main/service.ts';
import {
  startEasemobEmulator,
  type EasemobEmulator,
  type EasemobEmulatorOptions,
  type EasemobFault,
} from '../../main/sandbox/easemob/easemob-emulator.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import { easemobMessage, easemobMessageBodyJson } from '../../shared/copy-formats/easemob.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import { randomFile, sha256, tempDir } from '../support/temp.ts';
import { seededMix, expectMixOutcome } from '../support/fault-mix.ts';
import { rewriteInPlace, wholeSecondTimes } from '../support/file-edits.ts';
import { BodyHold } from '../../main/sandbox/body-hold.ts';
import { answerWaitFactor } from '../../main/engine/upload-engine.ts';

// Fast retries and a short stall watchdog keep the suite quick; the behaviour is the same as the defaults'.
const retryPolicy = { maxAttempts: 6, baseDelayMs: 5, maxDelayMs: 50 };
const stallTimeoutMs = 300;
const MiB = 1024 * 1024;
const limit = 10 * MiB;

let emulators: EasemobEmulator[];
let service: FerryService;
let filesDir: string;

async function emulator(options: Partial<EasemobEmulatorOptions> = {}): Promise<EasemobEmulator> {
  const started = await startEasemobEmulator({ storageDir: tempDir('ferry-easemob-'), ...options });
  emulators.push(started);
  return started;
}

async function addAccount(
  target: EasemobEmulator,
  options: { name?: string; clientSecret?: string; fields?: Record<string, string> } = {},
): Promise<string> {
  const account = (await service.dispatch('accounts.add', {
    providerId: 'easemob',
    name: options.name ?? `Easemob ${target.baseUrl}`,
    fields: {
      baseUrl: target.baseUrl,
      orgName: target.credentials.orgName,
      appName: target.credentials.appName,
      clientId: target.credentials.clientId,
      ...options.fields,
    },
    secrets: { clientSecret: options.clientSecret ?? target.credentials.clientSecret },
  })) as CommandResponse<'accounts.add'>;
  return account.id;
}

async function upload(
  paths: string[],
  accountId: string,
): Promise<{ tasks: TaskView[]; entries: HistoryEntryView[] }> {
  const { taskIds } = (await service.dispatch('uploads.add', {
    paths,
    accountId,
  })) as CommandResponse<'uploads.add'>;
  expect(taskIds).toHaveLength(paths.length);
  await service.idle();
  const tasks = (await service.dispatch('uploads.list', {})) as TaskView[];
  const page = (await service.dispatch('history.list', { limit: 500 })) as CommandResponse<'history.list'>;
  return { tasks, entries: page.entries };
}

function entryFor(entries: HistoryEntryView[], path: string): HistoryEntryView {
  const entry = entries.find((e) => path.endsWith(`/${e.name}`));
  expect(entry, path).toBeDefined();
  return entry!;
}

async function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<Buffer> {
  const response = await fetch(url, { headers });
  expect(response.status, await peek(response)).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function peek(response: Response): Promise<string> {
  return response.ok ? '' : await response.clone().text();
}

/** The bytes behind an entry's download link (which carries the share-secret when restricted). */
async function downloadSha(entry: HistoryEntryView): Promise<string> {
  const link = entry.links.find((l) => l.kind === 'download');
  expect(link).toBeDefined();
  return sha256(await fetchBytes(link!.url));
}

beforeEach(async () => {
  emulators = [];
  service = await createService({ dataDir: tempDir('ferry-data-'), retryPolicy, stallTimeoutMs });
  filesDir = tempDir('ferry-files-');
  service.grantPaths([filesDir]);
});

afterEach(async () => {
  await service.close();
  await Promise.all(emulators.map((e) => e.close()));
});

describe('uploading to Easemob chat files through the service', () => {
  it('uploads 0-byte, small and 9 MiB files; their share-secret links return identical bytes', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    const files = [
      randomFile(filesDir, 'empty.bin', 0),
      randomFile(filesDir, 'small.txt', 1234),
      randomFile(filesDir, 'nine.zip', 9 * MiB + 17),
    ];
    const { tasks, entries } = await upload(
      files.map((f) => f.path),
      accountId,
    );
    expect(tasks).toEqual([]);
    expect(entries).toHaveLength(3);
    const objects = easemob.listObjects();
    expect(objects).toHaveLength(3);

    for (const file of files) {
      const entry = entryFor(entries, file.path);
      const object = objects.find((o) => o.uuid === entry.remoteId)!;
      expect(object).toMatchObject({ sha256: file.sha256, restricted: true });
      expect(entry.details).toMatchObject({
        uuid: object.uuid,
        shareSecret: object.shareSecret,
        url: `${easemob.chatfilesUri}/${object.uuid}`,
        fileName: entry.name,
        fileLength: entry.size,
      });
      expect(entry.links).toEqual([
        {
          kind: 'download',
          url: `${easemob.chatfilesUri}/${object.uuid}?share-secret=${encodeURIComponent(object.shareSecret)}`,
          size: entry.size,
        },
      ]);
      expect(await downloadSha(entry)).toBe(file.sha256);
      // The same bytes with the secret as a header (as Easemob's own download call sends it)...
      const viaHeader = await fetchBytes(String(entry.details.url), { 'share-secret': object.shareSecret });
      expect(sha256(viaHeader)).toBe(file.sha256);
      // ...and none without it: the file really is restricted.
      expect((await fetch(String(entry.details.url))).status).toBe(401);
    }
    expect(entryFor(entries, files[1]!.path).details.type).toBe('file');
    // Not the number of POSTs: on a busy machine the suite's 300 ms watchdog can give up on one mid-body
    // and send it again, which Easemob does not keep. A second chat file would be a duplicate.
    expect(easemob.stats()).toMatchObject({ tokenRequests: 1, storedFiles: 3 });
  });

  it('uploads unrestricted when the account says so: a plain link, no share-secret needed', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob, { fields: { restrictAccess: 'false' } });
    const file = randomFile(filesDir, 'open.bin', 4321);
    const { entries } = await upload([file.path], accountId);
    const [object] = easemob.listObjects();
    expect(object!.restricted).toBe(false);
    expect(entries[0]!.links[0]!.url).toBe(`${easemob.chatfilesUri}/${object!.uuid}`);
    expect(await downloadSha(entries[0]!)).toBe(file.sha256);
  });

  it('fails a file over 10 MiB with file-too-large before any request reaches Easemob', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    const over = randomFile(filesDir, 'over.bin', limit + 1);
    const { tasks, entries } = await upload([over.path], accountId);
    expect(entries).toEqual([]);
    expect(tasks[0]).toMatchObject({ state: 'failed', error: { code: 'file-too-large' } });
    const digits = tasks[0]!.error!.message.replace(/,/g, '');
    expect(digits).toContain(String(limit + 1));
    expect(digits).toContain(String(limit));
    expect(easemob.stats()).toMatchObject({ tokenRequests: 0, uploadRequests: 0, uploadBytesReceived: 0 });
  });

  it('uploads a file of exactly 10 MiB, the limit itself', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    const atLimit = randomFile(filesDir, 'at-limit.bin', limit);
    const { entries } = await upload([atLimit.path], accountId);
    expect(await downloadSha(entries[0]!)).toBe(atLimit.sha256);
  });

  it("maps the server's 413 (an app with a lower limit) to file-too-large with Easemob's words, not retried", async () => {
    const easemob = await emulator({ maxFileBytes: MiB });
    const accountId = await addAccount(easemob);
    const file = randomFile(filesDir, 'two.bin', 2 * MiB);
    const { tasks } = await upload([file.path], accountId);
    expect(tasks[0]).toMatchObject({
      state: 'failed',
      error: {
        code: 'file-too-large',
        providerCode: 'file exceeding maximum limit',
        providerMessage: 'the file size exceeds the maximum limit.',
      },
    });
    expect(easemob.stats()).toMatchObject({ uploadRequests: 1, storedFiles: 0 });
  });

  it("fails at once with Easemob's words on 400 illegal_argument", async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    easemob.injectFault({ kind: 'http-status', status: 400 });
    const { tasks } = await upload([randomFile(filesDir, 'refused.bin', 100).path], accountId);
    expect(tasks[0]).toMatchObject({
      state: 'failed',
      error: {
        code: 'provider-rejected',
        providerCode: 'illegal_argument',
        providerMessage: 'file must be provided.',
      },
    });
    expect(tasks[0]!.error!.message).toContain('file must be provided.');
    expect(easemob.stats().uploadRequests).toBe(1);
  });
});

describe('the app token', () => {
  it('is fetched once for many uploads, per account, and replaced once when revoked', async () => {
    const first = await emulator();
    const second = await emulator();
    const firstId = await addAccount(first);
    const secondId = await addAccount(second);
    const files = Array.from({ length: 6 }, (_, i) => randomFile(filesDir, `many-${i}.bin`, 1000 + i));
    await upload(
      files.map((f) => f.path),
      firstId,
    );
    await upload([randomFile(filesDir, 'other.bin', 10).path], secondId);
    expect(first.stats()).toMatchObject({ tokenRequests: 1, storedFiles: 6 });
    expect(second.stats()).toMatchObject({ tokenRequests: 1, storedFiles: 1 });

    first.revokeTokens();
    const again = [
      randomFile(filesDir, 'after-revoke-1.bin', 77),
      randomFile(filesDir, 'after-revoke-2.bin', 78),
    ];
    const { tasks, entries } = await upload(
      again.map((f) => f.path),
      firstId,
    );
    expect(tasks).toEqual([]);
    for (const file of again) expect(await downloadSha(entryFor(entries, file.path))).toBe(file.sha256);
    // Both uploads met the revoked token; the one refresh served both.
    expect(first.stats()).toMatchObject({ tokenRequests: 2, storedFiles: 8 });
    expect(first.stats().unauthorized).toBeGreaterThanOrEqual(1);
    expect(second.stats().tokenRequests).toBe(1); // the other account's token was not touched

    first.expireTokens();
    await upload([randomFile(filesDir, 'after-expiry.bin', 5).path], firstId);
    expect(first.stats()).toMatchObject({ tokenRequests: 3, storedFiles: 9 });
  });

  it('is renewed shortly before it expires, without a refused request', async () => {
    const easemob = await emulator({ tokenTtlSeconds: 1 });
    const accountId = await addAccount(easemob);
    await upload([randomFile(filesDir, 'early.bin', 10).path], accountId);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await upload([randomFile(filesDir, 'late.bin', 10).path], accountId);
    expect(easemob.stats()).toMatchObject({ tokenRequests: 2, unauthorized: 0, storedFiles: 2 });
  });

  it('fails with credentials-rejected when a fresh token is refused too', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    easemob.injectFault({ kind: 'unauthorized' });
    easemob.injectFault({ kind: 'unauthorized' });
    const { tasks } = await upload([randomFile(filesDir, 'locked-out.bin', 100).path], accountId);
    expect(tasks[0]).toMatchObject({
      state: 'failed',
      error: {
        code: 'credentials-rejected',
        providerCode: 'auth_bad_access_token',
        providerMessage: 'Unable to authenticate due to corrupt access token',
      },
    });
    expect(easemob.stats()).toMatchObject({ tokenRequests: 2, uploadRequests: 2, storedFiles: 0 });
  });

  it("reports a wrong client secret as credentials-rejected in Easemob's words, for uploads and the account test", async () => {
    const easemob = await emulator();
    const wrongId = await addAccount(easemob, { name: 'wrong', clientSecret: 'YXA6-not-the-secret' });
    const { tasks } = await upload([randomFile(filesDir, 'never.bin', 100).path], wrongId);
    const expected = {
      code: 'credentials-rejected',
      providerCode: 'invalid_grant',
      providerMessage: 'client_secret does not match',
    };
    expect(tasks[0]).toMatchObject({ state: 'failed', error: expected });
    expect(easemob.stats()).toMatchObject({ tokenRequests: 1, uploadRequests: 0 });

    expect(await service.dispatch('accounts.test', { id: wrongId })).toMatchObject({
      ok: false,
      error: expected,
    });
    const rightId = await addAccount(easemob, { name: 'right' });
    expect(await service.dispatch('accounts.test', { id: rightId })).toEqual({ ok: true });
    expect(easemob.stats().tokensIssued).toBe(1);
  });

  it('retries a token endpoint that is briefly unavailable', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    easemob.injectFault({ kind: 'http-status', status: 503 }, { target: 'token' });
    const file = randomFile(filesDir, 'patient.bin', 2000);
    const { entries } = await upload([file.path], accountId);
    expect(await downloadSha(entries[0]!)).toBe(file.sha256);
    expect(easemob.stats()).toMatchObject({ tokenRequests: 2, tokensIssued: 1 });
  });
});

describe('faults', () => {
  const recoverable: Array<[string, EasemobFault]> = [
    ['a connection reset mid-body', { kind: 'reset' }],
    ['HTTP 500', { kind: 'http-status', status: 500 }],
    ['HTTP 503', { kind: 'http-status', status: 503 }],
    [
      'an answer that does not come within the longer wait after the whole file',
      { kind: 'stall', ms: (answerWaitFactor + 2) * stallTimeoutMs },
    ],
    ['malformed JSON with HTTP 200', { kind: 'malformed' }],
    ['a token revoked on the server', { kind: 'unauthorized' }],
  ];

  it.each(recoverable)('recovers from %s: identical bytes, one object', async (_label, fault) => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    const file = randomFile(filesDir, 'f.bin', 3 * MiB + 5);
    easemob.injectFault(fault);
    const { tasks, entries } = await upload([file.path], accountId);
    expect(tasks).toEqual([]);
    expect(await downloadSha(entries[0]!)).toBe(file.sha256);
    expect(easemob.listObjects()).toHaveLength(1);
    expect(easemob.stats().uploadRequests).toBe(2); // the fault cost exactly one extra request
  });

  it('waits for an answer slower than the stall watchdog once the whole file is out: one POST, one chat file', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    // Small, so that a loaded machine cannot stall the body itself past the short watchdog.
    const file = randomFile(filesDir, 'slow-answer.bin', 64 * 1024 + 5);
    // Stored at once, answered later: a POST sent again meanwhile would be a second chat file.
    easemob.injectFault({ kind: 'stall', ms: 2 * stallTimeoutMs, stored: true });
    const { tasks, entries } = await upload([file.path], accountId);
    expect(tasks).toEqual([]);
    expect(easemob.stats()).toMatchObject({ uploadRequests: 1, storedFiles: 1 });
    const [object] = easemob.listObjects();
    expect(entries[0]!.remoteId).toBe(object!.uuid);
    expect(await downloadSha(entries[0]!)).toBe(file.sha256);
  });

  it('sends again after an answer lost past that longer wait; the lost one stays on Easemob as a second chat file', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    const file = randomFile(filesDir, 'lost-answer.bin', 1000);
    easemob.injectFault({ kind: 'stall', ms: (answerWaitFactor + 2) * stallTimeoutMs, stored: true });
    const { tasks, entries } = await upload([file.path], accountId);
    expect(tasks).toEqual([]);
    expect(easemob.stats()).toMatchObject({ uploadRequests: 2, storedFiles: 2 });
    const objects = easemob.listObjects();
    expect(objects.map((o) => o.sha256)).toEqual([file.sha256, file.sha256]);
    // The history has the copy whose answer came; nothing links to the other.
    expect(objects.map((o) => o.uuid)).toContain(entries[0]!.remoteId);
    expect(await downloadSha(entries[0]!)).toBe(file.sha256);
  });

  it('waits at least what a 429 Retry-After asks before trying again', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    easemob.injectFault({ kind: 'http-status', status: 429, retryAfterSeconds: 1 });
    const file = randomFile(filesDir, 'throttled.bin', 1000);
    const started = performance.now();
    const { entries } = await upload([file.path], accountId);
    // Without Retry-After the fast policy would retry within 50 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await downloadSha(entries[0]!)).toBe(file.sha256);
  });

  it.each<[string, EasemobFault, ErrorCode, RegExp]>([
    ['HTTP 503', { kind: 'http-status', status: 503 }, 'http-status', /HTTP 503: Service Unavailable/],
    ['a reset', { kind: 'reset' }, 'network', /Network problem/],
    ['malformed JSON', { kind: 'malformed' }, 'malformed-response', /not JSON/],
  ])(
    'gives up after the retry budget on repeated %s, with a specific reason',
    async (_label, fault, code, message) => {
      const easemob = await emulator();
      const accountId = await addAccount(easemob);
      for (let i = 0; i < retryPolicy.maxAttempts; i++) easemob.injectFault(fault);
      const { tasks } = await upload([randomFile(filesDir, 'doomed.bin', 5000).path], accountId);
      expect(tasks[0]).toMatchObject({ state: 'failed', error: { code } });
      expect(tasks[0]!.error!.message).toMatch(message);
      expect(easemob.stats()).toMatchObject({ uploadRequests: retryPolicy.maxAttempts, storedFiles: 0 });
    },
  );

  it('keeps under a lowered rate limit: 429 reach_limit answers are waited out and every file completes', async () => {
    const easemob = await emulator({ requestsPerSecond: 3, rateLimitRetryAfterSeconds: 1 });
    const accountId = await addAccount(easemob);
    const files = Array.from({ length: 8 }, (_, i) => randomFile(filesDir, `burst-${i}.bin`, 500 + i));
    const { tasks, entries } = await upload(
      files.map((f) => f.path),
      accountId,
    );
    expect(tasks).toEqual([]);
    for (const file of files) expect(await downloadSha(entryFor(entries, file.path))).toBe(file.sha256);
    expect(easemob.stats().rateLimited).toBeGreaterThan(0);
    expect(easemob.listObjects()).toHaveLength(files.length);
  });
});

describe('what was sent is what was hashed', () => {
  it('fails as file-changed when the file is rewritten in place mid-post (same size and mtime): nothing stored', async () => {
    // The default watchdog: a short one could give up on the request before the hold is reached.
    await service.close();
    service = await createService({ dataDir: tempDir('ferry-data-'), retryPolicy });
    service.grantPaths([filesDir]);
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    const { path } = randomFile(filesDir, 'rewritten.bin', 9 * MiB);
    wholeSecondTimes(path);
    const hold = new BodyHold(64 * 1024);
    easemob.injectFault({ kind: 'hold', hold });
    const { taskIds } = (await service.dispatch('uploads.add', {
      paths: [path],
      accountId,
    })) as CommandResponse<'uploads.add'>;
    await hold.reached;
    rewriteInPlace(path, 0, 4096); // bytes Easemob already has
    hold.release();
    await service.idle();

    const [task] = (await service.dispatch('uploads.list', {})) as TaskView[];
    expect(task).toMatchObject({ id: taskIds[0], state: 'failed', error: { code: 'file-changed' } });
    expect(task!.error!.message).toMatch(/changed during its upload/);
    expect(easemob.listObjects()).toEqual([]);
  });
});

describe('faults mixed at random', () => {
  it('ends every file done with identical bytes or failed with a specific reason, never duplicated', async () => {
    const { random, pick } = seededMix('easemob');
    const kinds: Array<() => EasemobFault> = [
      () => ({ kind: 'reset' }),
      () => ({ kind: 'http-status', status: pick([500, 502, 503]) }),
      () => ({ kind: 'http-status', status: 429, retryAfterSeconds: 0 }),
      () => ({ kind: 'malformed', body: '<html>proxy error</html>' }),
      () => ({ kind: 'stall', ms: stallTimeoutMs * 2 }),
      () => ({ kind: 'unauthorized' }),
      () => ({ kind: 'http-status', status: 400 }),
    ];
    const easemob = await emulator();
    const accountId = await addAccount(easemob);
    const files = Array.from({ length: 8 }, (_, i) =>
      randomFile(filesDir, `mix-${i}.bin`, i === 0 ? 0 : Math.floor(random() * 2 * MiB)),
    );
    for (let i = 0; i < 30; i++) easemob.injectFault(pick(kinds)());

    const { tasks, entries } = await upload(
      files.map((f) => f.path),
      accountId,
    );
    const allowedFailures: ErrorCode[] = [
      'provider-rejected',
      'credentials-rejected',
      'http-status',
      'network',
      'malformed-response',
    ];
    await expectMixOutcome({ tasks, entries }, files, allowedFailures, downloadSha);
    // A fault never leaves an object behind: one object per finished file, none for failed ones.
    expect(
      easemob
        .listObjects()
        .map((o) => o.uuid)
        .sort(),
    ).toEqual(entries.map((e) => e.remoteId).sort());

    easemob.clearFaults();
    if (tasks.length > 0) {
      await service.dispatch('uploads.retry', { taskIds: tasks.map((t) => t.id) });
      await service.idle();
    }
    expect(await service.dispatch('uploads.list', {})).toEqual([]);
    const after = (await service.dispatch('history.list', { limit: 500 })) as CommandResponse<'history.list'>;
    expect(after.entries.map((e) => e.sha256).sort()).toEqual(files.map((f) => f.sha256).sort());
    const objects = easemob.listObjects();
    expect(objects).toHaveLength(files.length);
    expect(new Set(objects.map((o) => o.sha256)).size).toBe(new Set(files.map((f) => f.sha256)).size);
  });
});

describe('message bodies and thumbnails from real uploads', () => {
  it('turns history entries into Easemob img/file/video/audio message bodies that reference the uploads', async () => {
    const easemob = await emulator();
    const accountId = await addAccount(easemob, { fields: { thumbnailWidth: '120', thumbnailHeight: '90' } });
    // A noisy picture is well over 10 KB, so Easemob makes a thumbnail of it.
    const photoPath = join(filesDir, 'photo.png');
    const noise = randomBytes(400 * 300 * 3);
    await sharp(noise, { raw: { width: 400, height: 300, channels: 3 } })
      .png()
      .toFile(photoPath);
    const iconPath = join(filesDir, 'icon.png');
    await sharp({ create: { width: 32, height: 24, channels: 3, background: '#3366cc' } })
      .png()
      .toFile(iconPath);
    const notAPicture = randomFile(filesDir, 'broken.png', 20_000); // sharp cannot read it: no size, no failure
    const video = randomFile(filesDir, 'clip.mp4', 50_000);
    const voice = randomFile(filesDir, 'voice.amr', 3000);
    const doc = randomFile(filesDir, 'report.pdf', 7000);

    const { tasks, entries } = await upload(
      [photoPath, iconPath, notAPicture.path, video.path, voice.path, doc.path],
      accountId,
    );
    expect(tasks).toEqual([]);
    const secretOf = (entry: HistoryEntryView) =>
      easemob.listObjects().find((o) => o.uuid === entry.remoteId)!.shareSecret;
    const urlOf = (entry: HistoryEntryView) => `${easemob.chatfilesUri}/${entry.remoteId}`;

    const photo = entryFor(entries, photoPath);
    expect(easemobMessage(photo)).toEqual({
      type: 'img',
      body: {
        filename: 'photo.png',
        secret: secretOf(photo),
        size: { width: 400, height: 300 },
        url: urlOf(photo),
      },
    });
    expect(photo.links[0]).toMatchObject({ width: 400, height: 300 });

    const broken = entryFor(entries, notAPicture.path);
    expect(easemobMessage(broken)).toEqual({
      type: 'img',
      body: { filename: 'broken.png', secret: secretOf(broken), url: urlOf(broken) },
    });

    const thumb = entryFor(entries, iconPath);
    const clip = entryFor(entries, video.path);
    expect(easemobMessage(clip, { lengthSeconds: 12.4, thumbnail: thumb })).toEqual({
      type: 'video',
      body: {
        filename: 'clip.mp4',
        thumb: urlOf(thumb),
        thumb_secret: secretOf(thumb),
        length: 12,
        file_length: 50_000,
        secret: secretOf(clip),
        url: urlOf(clip),
      },
    });

    const amr = entryFor(entries, voice.path);
    expect(easemobMessage(amr, { lengthSeconds: 3 })).toEqual({
      type: 'audio',
      body: { filename: 'voice.amr', secret: secretOf(amr), length: 3, url: urlOf(amr) },
    });

    const pdf = entryFor(entries, doc.path);
    expect(JSON.parse(easemobMessageBodyJson(pdf))).toEqual({
      filename: 'report.pdf',
      secret: secretOf(pdf),
      url: urlOf(pdf),
    });

    // A message body is enough to fetch the file: its url with its secret, as Easemob clients do.
    const body = easemobMessage(pdf).body;
    expect(sha256(await fetchBytes(body.url, { 'share-secret': body.secret! }))).toBe(doc.sha256);

    // Thumbnails come through the download path with `thumbnail: true`: a real one for the photo,
    // fitted into the account's 120×90 box, and the picture itself for the icon (under 10 KB).
    const photoThumb = await fetchBytes(urlOf(photo), { 'share-secret': secretOf(photo), thumbnail: 'true' });
    const thumbMeta = await sharp(photoThumb).metadata();
    expect([thumbMeta.width, thumbMeta.height]).toEqual([120, 90]);
    const iconBytes = await fetchBytes(urlOf(thumb), { 'share-secret': secretOf(thumb), thumbnail: 'true' });
    expect(sha256(iconBytes)).toBe(thumb.sha256);
  });
});
