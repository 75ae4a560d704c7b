import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FerryService } from '../../main/service.ts';
import {
  startOppoPushEmulator,
  type OppoPushEmulator,
  type OppoPushFault,
} from '../../main/sandbox/oppo-push/oppo-push-emulator.ts';
import type { PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { AccountView, HistoryEntryView, TaskView } from '../../shared/models.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { sha256, tempDir } from '../support/temp.ts';

const retryPolicy = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 50 };
const stallTimeoutMs = 1000;

let harness: ServiceHarness;
let storage: PicUpEmulator;
let push: OppoPushEmulator;
let service: FerryService;
let storageAccountId: string;
let sourcesDir: string;
/** 4000×3000 photo-like JPEG. */
let photo: string;
/** A smaller JPEG for the tests about errors, where the size of the source does not matter. */
let snapshot: string;

/** Smooth random blobs at full size: photo-like content, quick to make (noise scaled up). */
async function writePhotoLike(path: string, width: number, height: number): Promise<void> {
  const small = await sharp({
    create: {
      width: width / 40,
      height: height / 40,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  await sharp(small.data, { raw: small.info })
    .resize(width, height, { kernel: 'cubic' })
    .jpeg({ quality: 90 })
    .toFile(path);
}

// A failed task keeps its derivatives (main/providers/oppo-push/derivative-files.ts) in the temp
// folder for a retry, and no test retries them all: this file's services get a temp folder of its
// own, removed with the file's other folders.
const systemTemp = process.env.TMPDIR;
beforeAll(() => {
  process.env.TMPDIR = tempDir('ferry-oppo-tmp-');
});
afterAll(() => {
  if (systemTemp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = systemTemp;
});

beforeAll(async () => {
  sourcesDir = tempDir('ferry-oppo-sources-');
  photo = join(sourcesDir, 'campaign-photo.jpg');
  snapshot = join(sourcesDir, 'snapshot.jpg');
  await writePhotoLike(photo, 4000, 3000);
  await writePhotoLike(snapshot, 1200, 800);
});

beforeEach(async () => {
  // The harness's Tencent emulator is the storage the push provider's pictures go to.
  harness = await startServiceHarness({ service: { retryPolicy, stallTimeoutMs } });
  ({ emulator: storage, service } = harness);
  service.grantPaths([sourcesDir]);
  push = await startOppoPushEmulator({ storageDir: tempDir('ferry-oppo-push-') });
  // The storage account: Tencent IM's DownUrl links are public (on loopback, here).
  const account = (await service.dispatch('accounts.add', {
    providerId: 'tencent-im',
    name: 'Public storage',
    fields: {
      baseUrl: storage.baseUrl,
      sdkAppId: storage.credentials.sdkAppId,
      identifier: storage.credentials.identifier,
      fromAccount: 'ferry-user',
      toAccount: 'ferry-storage',
    },
    secrets: { userSig: storage.credentials.userSig },
  })) as AccountView;
  storageAccountId = account.id;
});

afterEach(async () => {
  await harness.close();
  await push.close();
});

let accountCounter = 0;
async function addPushAccount(fields: Record<string, string> = {}): Promise<string> {
  const account = (await service.dispatch('accounts.add', {
    providerId: 'oppo-push',
    name: `OPPO ${++accountCounter}`,
    fields: { baseUrl: push.baseUrl, appKey: push.credentials.appKey, storageAccountId, ...fields },
    secrets: { masterSecret: push.credentials.masterSecret },
  })) as AccountView;
  return account.id;
}

async function upload(path: string, accountId: string): Promise<void> {
  await service.dispatch('uploads.add', { paths: [path], accountId });
  await service.idle();
}

async function tasks(): Promise<TaskView[]> {
  return (await service.dispatch('uploads.list', {})) as TaskView[];
}

async function historyEntries(): Promise<HistoryEntryView[]> {
  const page = (await service.dispatch('history.list', { limit: 100 })) as CommandResponse<'history.list'>;
  return page.entries;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('OPPO push pictures through the service', () => {
  it('derives, stores and registers both pictures of a 4000×3000 photo', async () => {
    const accountId = await addPushAccount();
    await upload(photo, accountId);

    expect(await tasks()).toEqual([]);
    const entries = await historyEntries();
    expect(entries).toHaveLength(1); // the storage uploads leave no history of their own
    const [entry] = entries;
    expect(entry).toMatchObject({ accountId, providerId: 'oppo-push', name: 'campaign-photo.jpg' });

    const seen = push.pictures();
    const big = seen.find((picture) => picture.role === 'big')!;
    const small = seen.find((picture) => picture.role === 'small')!;
    expect(big).toMatchObject({ format: 'jpeg', width: 984, height: 369 });
    expect(small).toMatchObject({ format: 'jpeg', width: 144, height: 144 });
    expect(big.bytes).toBeLessThanOrEqual(1_000_000);
    expect(small.bytes).toBeLessThanOrEqual(50_000);
    // Decode what the emulator stored independently of its own report.
    expect(await sharp(big.path).metadata()).toMatchObject({ format: 'jpeg', width: 984, height: 369 });
    expect(await sharp(small.path).metadata()).toMatchObject({ format: 'jpeg', width: 144, height: 144 });

    expect(entry!.details).toEqual({
      bigPictureId: big.id,
      smallPictureId: small.id,
      bigPictureUrl: big.url,
      smallPictureUrl: small.url,
    });
    expect(entry!.remoteId).toBe(`${big.id},${small.id}`);
    expect(entry!.links).toEqual([
      { kind: 'large', url: big.url, width: 984, height: 369, size: big.bytes },
      { kind: 'small', url: small.url, width: 144, height: 144, size: small.bytes },
    ]);
    // The links are the storage account's, and serve exactly the bytes OPPO fetched.
    expect(big.url.startsWith(`${storage.baseUrl}/download/`)).toBe(true);
    expect(sha256(await download(big.url))).toBe(sha256(readFileSync(big.path)));
    expect(sha256(await download(small.url))).toBe(sha256(readFileSync(small.path)));
    expect(storage.stats().completedUploads).toBe(2);
    // The credentials check (an empty registration), then the registration.
    expect(push.stats()).toMatchObject({ requests: 2, registrations: 1 });
  });

  it('registers only the small icon, as PNG, when the account says so', async () => {
    const accountId = await addPushAccount({ pictures: 'small', format: 'png' });
    await upload(snapshot, accountId);
    const [entry] = await historyEntries();
    const [icon] = push.pictures();
    expect(icon).toMatchObject({ role: 'small', format: 'png', width: 144, height: 144 });
    expect(icon!.bytes).toBeLessThanOrEqual(50_000);
    expect(entry!.details).toEqual({ smallPictureId: icon!.id, smallPictureUrl: icon!.url });
    expect(entry!.remoteId).toBe(icon!.id);
    expect(storage.stats().completedUploads).toBe(1);
  });

  describe('each error code of the card, at the registration', () => {
    // The first request of every upload checks the credentials; the faults aim past it.
    const atRegistration = { afterRequests: 1 };
    const failing: Array<[number, ErrorCode, string]> = [
      [21001, 'provider-rejected', 'The method is not supported or url err'],
      [21003, 'provider-rejected', 'Parameter value is invalid'],
      [23001, 'credentials-rejected', 'Basic authentication failed'],
      [23002, 'provider-rejected', 'Missing parameter!'],
      [51, 'provider-rejected', 'Picture Size Exceeds'],
    ];
    it.each(failing)('%i fails at once as %s with the provider’s words', async (code, errorCode, words) => {
      const accountId = await addPushAccount({ pictures: 'small' });
      push.injectFault({ kind: 'error', code: code as 21001 }, atRegistration);
      await upload(snapshot, accountId);
      const [task] = await tasks();
      expect(task).toMatchObject({
        state: 'failed',
        error: { code: errorCode, providerCode: String(code), providerMessage: words },
      });
      expect(task!.error!.message).toContain(String(code));
      expect(push.stats().requests).toBe(2); // the check, and the registration not retried
      expect(await historyEntries()).toEqual([]);
    });

    it('51 says the picture is over OPPO’s size limit', async () => {
      const accountId = await addPushAccount({ pictures: 'small' });
      push.injectFault({ kind: 'error', code: 51 }, atRegistration);
      await upload(snapshot, accountId);
      const [task] = await tasks();
      expect(task!.error!.message).toMatch(/over its size limit/);
    });

    it.each([23100, 27000] as const)('%i is retried and the registration completes', async (code) => {
      const accountId = await addPushAccount({ pictures: 'small' });
      push.injectFault({ kind: 'error', code }, atRegistration);
      await upload(snapshot, accountId);
      expect(await tasks()).toEqual([]);
      expect(await historyEntries()).toHaveLength(1);
      expect(push.stats()).toMatchObject({ requests: 3, registrations: 1 });
      expect(storage.stats().completedUploads).toBe(1); // the retry did not store the picture again
    });

    it('27000 that persists fails with "upstream timeout, retry later"', async () => {
      const accountId = await addPushAccount({ pictures: 'small' });
      for (let i = 0; i < retryPolicy.maxAttempts; i++) {
        push.injectFault({ kind: 'error', code: 27000 }, i === 0 ? atRegistration : undefined);
      }
      await upload(snapshot, accountId);
      const [task] = await tasks();
      expect(task).toMatchObject({
        state: 'failed',
        error: { code: 'provider-rejected', providerCode: '27000' },
      });
      expect(task!.error!.message).toContain('upstream timeout, retry later');
      expect(push.stats().requests).toBe(1 + retryPolicy.maxAttempts);
    });
  });

  describe('transport faults on the registration are retried', () => {
    const faults: Array<[string, OppoPushFault]> = [
      ['a connection reset', { kind: 'reset' }],
      ['HTTP 500', { kind: 'http-status', status: 500 }],
      ['HTTP 503', { kind: 'http-status', status: 503 }],
      ['a stall longer than the watchdog', { kind: 'stall', ms: 2 * stallTimeoutMs }],
      ['malformed JSON', { kind: 'malformed-json' }],
    ];
    it.each(faults)('%s', async (_name, fault) => {
      const accountId = await addPushAccount({ pictures: 'small' });
      push.injectFault(fault, { afterRequests: 1 });
      await upload(snapshot, accountId);
      expect(await tasks()).toEqual([]);
      expect(await historyEntries()).toHaveLength(1);
      expect(push.stats().requests).toBe(3);
    });

    it('HTTP 429 waits for Retry-After', async () => {
      const accountId = await addPushAccount({ pictures: 'small' });
      push.injectFault({ kind: 'http-status', status: 429, retryAfterSeconds: 1 }, { afterRequests: 1 });
      const started = Date.now();
      await upload(snapshot, accountId);
      expect(await historyEntries()).toHaveLength(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    });
  });

  it('does not upload the derivatives again when the app closes after the store phase', async () => {
    const accountId = await addPushAccount();
    push.injectFault({ kind: 'stall', ms: 5000 }, { afterRequests: 1 });
    await service.dispatch('uploads.add', { paths: [photo], accountId });
    // The registration request is in flight (held by the emulator): both pictures are stored.
    for (let waited = 0; push.stats().requests < 2; waited += 10) {
      expect(waited).toBeLessThan(20_000);
      await delay(10);
    }
    expect(storage.stats().completedUploads).toBe(2);
    expect(await historyEntries()).toEqual([]);
    const storageRequests = storage.stats().requests;
    await service.close();

    service = await harness.open(); // resumes the task from its journaled session: phase "register"
    service.grantPaths([sourcesDir]);
    await service.idle();
    const [entry] = await historyEntries();
    expect(entry).toMatchObject({ providerId: 'oppo-push', name: 'campaign-photo.jpg' });
    expect(storage.stats()).toMatchObject({ completedUploads: 2, requests: storageRequests });
    expect(push.stats().requests).toBe(3); // the check, then the registration, which alone was sent again
    const urls = new Set(push.pictures().map((picture) => picture.url));
    expect(
      [entry!.details.bigPictureUrl, entry!.details.smallPictureUrl].every((url) => urls.has(String(url))),
    ).toBe(true);
  });

  it('keeps the outer step alive while the storage upload waits out a Retry-After longer than the watchdog', async () => {
    const accountId = await addPushAccount({ pictures: 'small' });
    storage.injectFault({ kind: 'http-status', status: 429, retryAfterSeconds: 2 });
    const started = Date.now();
    await upload(snapshot, accountId);
    expect(await historyEntries()).toHaveLength(1);
    // Had the registration step's own watchdog fired after 1 s, the step would have started over
    // and stored the picture at once; instead the storage upload waited the 2 s it was told to.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(storage.stats()).toMatchObject({ requests: 2, completedUploads: 1 });
  });

  it('crops a 2000×800 banner around its centre unless the account asks for attention', async () => {
    // A dark logo in the middle, a block of saturated colour at the right edge.
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="800">' +
      '<rect width="2000" height="800" fill="#d0d0d0"/><rect x="1800" width="200" height="800" fill="#ff00ff"/>' +
      '<circle cx="1000" cy="400" r="300" fill="#303030"/></svg>';
    const banner = join(sourcesDir, 'banner.png');
    await sharp(Buffer.from(svg)).png().toFile(banner);
    /** Share of the icon's pixels that are the logo's dark grey (the whole disc is about 0.44). */
    const logoShare = async (path: string) => {
      const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
      let dark = 0;
      for (let i = 0; i < data.length; i += info.channels)
        if (Math.max(data[i]!, data[i + 1]!, data[i + 2]!) < 90) dark++;
      return dark / (info.width * info.height);
    };

    await upload(banner, await addPushAccount({ pictures: 'small', format: 'png' }));
    await upload(banner, await addPushAccount({ pictures: 'small', format: 'png', crop: 'attention' }));
    const [centred, attention] = push.pictures();
    expect(await logoShare(centred!.path)).toBeGreaterThan(0.4);
    expect(await logoShare(attention!.path)).toBeLessThan(0.1);
  });

  describe('credentials before pictures', () => {
    it('finds a wrong secret before any picture is uploaded: nothing left on the storage account', async () => {
      const wrong = (await service.dispatch('accounts.add', {
        providerId: 'oppo-push',
        name: 'OPPO wrong secret',
        fields: { baseUrl: push.baseUrl, appKey: push.credentials.appKey, storageAccountId },
        secrets: { masterSecret: 'not-the-secret' },
      })) as AccountView;
      await upload(photo, wrong.id);
      const [task] = await tasks();
      expect(task).toMatchObject({
        state: 'failed',
        error: { code: 'credentials-rejected', providerCode: '23001' },
      });
      expect(storage.stats()).toMatchObject({ requests: 0, completedUploads: 0 });
      expect(push.stats()).toMatchObject({ requests: 1, fetches: 0, registrations: 0 });
    });

    it('says which pictures were left where when the registration is refused after they were stored', async () => {
      const accountId = await addPushAccount();
      // The check passes; the registration itself is refused (the secret was rotated in between).
      push.injectFault({ kind: 'error', code: 23001 }, { afterRequests: 1 });
      await upload(photo, accountId);
      const [task] = await tasks();
      expect(task).toMatchObject({ state: 'failed', error: { code: 'credentials-rejected' } });
      expect(storage.stats().completedUploads).toBe(2);
      const message = task!.error!.message;
      expect(message).toMatch(/left on the storage account/);
      expect(message).toContain(`${storage.baseUrl}/download/`);
      expect(message).toMatch(/big picture.*small picture/);
    });
  });

  describe('answers that can never succeed', () => {
    it('fails a 200 with {} (no code, no ids) at once, describing the body', async () => {
      const accountId = await addPushAccount({ pictures: 'small' });
      for (let i = 0; i < retryPolicy.maxAttempts + 1; i++) {
        push.injectFault({ kind: 'answer', status: 200, body: '{}' });
      }
      const started = Date.now();
      await upload(snapshot, accountId);
      const [task] = await tasks();
      expect(task).toMatchObject({ state: 'failed', error: { code: 'malformed-response' } });
      expect(task!.error!.message).toMatch(/HTTP 200 with an empty JSON object, 2 bytes/);
      expect(task!.error!.message).toMatch(/small_picture_id/);
      // One request to check the credentials (a 200 is no refusal) and one registration, not retried.
      expect(push.stats().requests).toBe(2);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('describes a body it cannot use without quoting it', async () => {
      const accountId = await addPushAccount({ pictures: 'small' });
      push.injectFault(
        { kind: 'answer', status: 200, body: '{"big_picture_id": 7, "token": "s3cr3t"}' },
        { afterRequests: 1 },
      );
      await upload(snapshot, accountId);
      const [task] = await tasks();
      expect(task).toMatchObject({ state: 'failed', error: { code: 'malformed-response' } });
      expect(task!.error!.message).toMatch(/JSON object with 2 fields \("big_picture_id", "token"\)/);
      expect(task!.error!.message).not.toContain('s3cr3t');
      expect(push.stats().requests).toBe(2);
    });
  });

  it('tests the connection with an empty registration that registers nothing', async () => {
    const accountId = await addPushAccount();
    expect(await service.dispatch('accounts.test', { id: accountId })).toEqual({ ok: true });

    const wrong = (await service.dispatch('accounts.add', {
      providerId: 'oppo-push',
      name: 'OPPO wrong secret',
      fields: { baseUrl: push.baseUrl, appKey: push.credentials.appKey, storageAccountId },
      secrets: { masterSecret: 'not-the-secret' },
    })) as AccountView;
    expect(await service.dispatch('accounts.test', { id: wrong.id })).toMatchObject({
      ok: false,
      error: {
        code: 'credentials-rejected',
        providerCode: '23001',
        providerMessage: 'Basic authentication failed',
      },
    });
    expect(push.stats()).toMatchObject({ requests: 2, fetches: 0, registrations: 0 });
  });

  it('fails a file that is not an image with file-type-unsupported, before any upload', async () => {
    const accountId = await addPushAccount();
    const notes = join(sourcesDir, 'notes.txt');
    writeFileSync(notes, 'not a picture\n'.repeat(50));
    await upload(notes, accountId);
    const [task] = await tasks();
    expect(task).toMatchObject({ state: 'failed', error: { code: 'file-type-unsupported' } });
    expect(storage.stats().requests).toBe(0);
    expect(push.stats().requests).toBe(0);
  });

  it('fails with a clear reason when the storage account was removed since', async () => {
    const accountId = await addPushAccount();
    await service.dispatch('accounts.remove', { id: storageAccountId });
    await upload(snapshot, accountId);
    const [task] = await tasks();
    expect(task).toMatchObject({ state: 'failed', error: { code: 'account-not-found' } });
    expect(task!.error!.message).toMatch(new RegExp(`storage account "${storageAccountId}".*does not exist`));
    expect(push.stats()).toMatchObject({ requests: 1, registrations: 0 }); // the credentials check
  });

  it('refuses another OPPO push account as the storage account when it is saved', async () => {
    const inner = await addPushAccount({ pictures: 'small' });
    await expect(addPushAccount({ pictures: 'small', storageAccountId: inner })).rejects.toMatchObject({
      view: { code: 'account-invalid', message: expect.stringMatching(/gives no public links/) },
    });
  });

  it('names the storage upload when the storage account refuses the picture', async () => {
    const accountId = await addPushAccount({ pictures: 'small' });
    storage.injectFault({ kind: 'reject', errorCode: -8, errorInfo: 'no pictures today' });
    await upload(snapshot, accountId);
    const [task] = await tasks();
    expect(task).toMatchObject({
      state: 'failed',
      error: { code: 'provider-rejected', providerCode: '-8', providerMessage: 'no pictures today' },
    });
    expect(task!.error!.message).toMatch(/^Uploading the small picture through the storage account failed/);
    expect(storage.stats().requests).toBe(1); // the storage upload's own rule (IsRejectRetry) holds
    expect(push.stats()).toMatchObject({ requests: 1, registrations: 0 });
  });
});
