import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startPicUpEmulator } from '../../../main/sandbox/tencent-im/pic-up-emulator.ts';
import type { PicUpCredentials, PicUpEmulator } from '../../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { PIC_UP_ERROR_CODES } from '../../../main/sandbox/tencent-im/pic-up-server-protocol.ts';

type Answer = Record<string, unknown>;

const KiB = 1024;
const sliceSize = 128 * KiB;

let storageDir: string;
let emulator: PicUpEmulator;
const extraEmulators: PicUpEmulator[] = [];

beforeEach(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'ferry-pic-up-test-'));
  emulator = await startPicUpEmulator({ storageDir });
});

afterEach(async () => {
  await emulator.close();
  for (const extra of extraEmulators.splice(0)) await extra.close();
  await rm(storageDir, { recursive: true, force: true });
});

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

function sha256(data: Buffer | ArrayBuffer): string {
  return createHash('sha256')
    .update(Buffer.from(data as ArrayBuffer))
    .digest('hex');
}

function picUpUrl(target: PicUpEmulator = emulator, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    sdkappid: target.credentials.sdkAppId,
    identifier: target.credentials.identifier,
    usersig: target.credentials.userSig,
    contenttype: 'json',
    ...query,
  };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) params.set(name, value);
  return `${target.baseUrl}/v4/openpic/pic_up?${params}`;
}

async function postRaw(
  body: string,
  options: { target?: PicUpEmulator; query?: Record<string, string | undefined>; contentType?: string } = {},
): Promise<Response> {
  return fetch(picUpUrl(options.target, options.query), {
    method: 'POST',
    headers: { 'Content-Type': options.contentType ?? 'application/json' },
    body,
  });
}

async function post(
  body: unknown,
  options: { target?: PicUpEmulator; query?: Record<string, string | undefined>; contentType?: string } = {},
): Promise<Answer> {
  const response = await postRaw(JSON.stringify(body), options);
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

/** One file being uploaded: its identity fields stay fixed for every slice, like a real client's. */
function fileUpload(data: Buffer, identity: { fileType?: number; timestamp?: number; random?: number } = {}) {
  const fields = {
    App_Version: '1.0',
    From_Account: 'alice',
    To_Account: 'bob',
    Seq: 7,
    Timestamp: identity.timestamp ?? 1_700_000_000,
    Random: identity.random ?? 123_456,
    File_Str_Md5: md5(data),
    File_Size: data.length,
    File_Type: identity.fileType ?? 2,
    Busi_Id: 2,
    PkgFlag: 1,
  };
  return {
    data,
    slice(offset: number, size: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
      return {
        ...fields,
        Slice_Offset: offset,
        Slice_Size: size,
        Slice_Data: data.subarray(offset, offset + size).toString('base64'),
        ...overrides,
      };
    },
    /** Slice `index` of `sliceSize` bytes (the last one shorter). */
    part(index: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
      const offset = index * sliceSize;
      return this.slice(offset, Math.min(sliceSize, data.length - offset), overrides);
    },
  };
}

async function uploadWhole(upload: ReturnType<typeof fileUpload>, target?: PicUpEmulator): Promise<Answer> {
  let answer: Answer = {};
  const count = Math.max(1, Math.ceil(upload.data.length / sliceSize));
  for (let index = 0; index < count; index++) answer = await post(upload.part(index), { target });
  return answer;
}

function expectFail(answer: Answer, errorCode: number, infoContains: string): void {
  expect(answer).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: errorCode, IsRejectRetry: 1, IsFinish: 0 });
  expect(String(answer.ErrorInfo)).toContain(infoContains);
}

describe('credentials', () => {
  it.each(['sdkappid', 'identifier', 'usersig'])('answers -3 when %s is missing', async (name) => {
    const upload = fileUpload(randomBytes(100));
    const answer = await post(upload.slice(0, 100), { query: { [name]: undefined } });
    expectFail(answer, -3, name);
  });

  it.each(['sdkappid', 'identifier', 'usersig'])('answers 70003 when %s is wrong', async (name) => {
    const upload = fileUpload(randomBytes(100));
    const answer = await post(upload.slice(0, 100), { query: { [name]: 'wrong' } });
    expectFail(answer, PIC_UP_ERROR_CODES.invalidUserSig, 'UserSig is invalid');
    expect(answer.ErrorCode).toBe(70003);
    expect(await emulator.listObjects()).toEqual([]);
  });

  it('generates different credentials per start and uses given ones', async () => {
    const other = await startPicUpEmulator({ storageDir: join(storageDir, 'other') });
    extraEmulators.push(other);
    expect(other.credentials.userSig).not.toBe(emulator.credentials.userSig);
    expect(emulator.credentials.sdkAppId).toMatch(/^\d+$/);

    const fixed: PicUpCredentials = { sdkAppId: '1400000001', identifier: 'admin', userSig: 'sig*-_' };
    const pinned = await startPicUpEmulator({ storageDir: join(storageDir, 'pinned'), credentials: fixed });
    extraEmulators.push(pinned);
    expect(pinned.credentials).toEqual(fixed);
    const upload = fileUpload(randomBytes(10));
    const answer = await post(upload.slice(0, 10), { target: pinned });
    expect(answer).toMatchObject({ ActionStatus: 'OK', IsFinish: 1, AppId: 1400000001 });
  });
});

describe('request validation', () => {
  const requiredFields = [
    'From_Account',
    'To_Account',
    'Seq',
    'Timestamp',
    'Random',
    'File_Str_Md5',
    'File_Size',
    'File_Type',
    'Busi_Id',
    'PkgFlag',
    'Slice_Offset',
    'Slice_Size',
    'Slice_Data',
  ];

  it.each(requiredFields)('answers -3 naming %s when it is missing', async (field) => {
    const body = fileUpload(randomBytes(100)).slice(0, 100);
    delete body[field];
    const answer = await post(body);
    expectFail(answer, PIC_UP_ERROR_CODES.missingParameter, field);
    expect(answer.ErrorCode).toBe(-3);
  });

  it('treats null as missing', async () => {
    const answer = await post(fileUpload(randomBytes(10)).slice(0, 10, { Random: null }));
    expectFail(answer, -3, 'Random');
  });

  it('accepts a request without App_Version and echoes it as empty', async () => {
    const body = fileUpload(randomBytes(10)).slice(0, 10);
    delete body.App_Version;
    const answer = await post(body);
    expect(answer).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, IsFinish: 1, App_Version: '' });
  });

  it.each([
    ['Seq', 'abc'],
    ['Timestamp', 1.5],
    ['Random', -1],
    ['File_Size', '-5'],
    ['Slice_Offset', '12x'],
    ['Slice_Size', true],
    ['File_Str_Md5', 'not-an-md5'],
    ['File_Str_Md5', 'a'.repeat(31)],
    ['File_Type', 5],
    ['File_Type', 0],
    ['Busi_Id', 0],
    ['Busi_Id', '9'],
    ['PkgFlag', 0],
    ['PkgFlag', 2],
    ['Slice_Data', 'not base64!'],
    ['Slice_Data', 'QUJD'.slice(0, 3)],
    ['Slice_Data', 12345],
    ['From_Account', ''],
    ['From_Account', { name: 'alice' }],
  ])('answers -6 naming %s for the malformed value %j', async (field, value) => {
    const answer = await post(fileUpload(randomBytes(10)).slice(0, 10, { [field]: value }));
    expectFail(answer, PIC_UP_ERROR_CODES.malformedParameter, field);
    expect(answer.ErrorCode).toBe(-6);
    expect(emulator.stats().sliceBytesReceived).toBe(0);
  });

  it('accepts numbers sent as numeric strings', async () => {
    const upload = fileUpload(randomBytes(5000));
    const answer = await post(
      upload.slice(0, 5000, {
        Seq: '7',
        Timestamp: '1700000000',
        Random: '123456',
        File_Size: '5000',
        File_Type: '2',
        Busi_Id: '2',
        PkgFlag: '1',
        Slice_Offset: '0',
        Slice_Size: '5000',
      }),
    );
    expect(answer).toMatchObject({ ActionStatus: 'OK', IsFinish: 1, Next_Offset: 5000, Seq: '7' });
  });

  it('answers -6 when the body is not JSON', async () => {
    const response = await postRaw('File_Size=10&Slice_Data=abc', {
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as Answer;
    expectFail(answer, -6, 'body is not JSON');
  });

  it('answers -6 when the body is JSON but not an object', async () => {
    expectFail(await post([1, 2, 3]), -6, 'not a JSON object');
  });

  it('reads a JSON body sent as application/x-www-form-urlencoded', async () => {
    const upload = fileUpload(randomBytes(300));
    const answer = await post(upload.slice(0, 300), { contentType: 'application/x-www-form-urlencoded' });
    expect(answer).toMatchObject({ ActionStatus: 'OK', IsFinish: 1, Next_Offset: 300 });
    expect(await emulator.listObjects()).toEqual([
      { uuid: answer.File_UUID, size: 300, md5: md5(upload.data) },
    ]);
  });

  it('answers 413 for a body over the limit', async () => {
    const small = await startPicUpEmulator({ storageDir: join(storageDir, 'small'), maxBodyBytes: 1024 });
    extraEmulators.push(small);
    const response = await postRaw(JSON.stringify(fileUpload(randomBytes(2000)).slice(0, 2000)), {
      target: small,
    });
    expect(response.status).toBe(413);
    expect(await small.listObjects()).toEqual([]);
  });
});

describe('slice consistency (-8)', () => {
  it('rejects an offset that is not 4K-aligned unless it is the last slice', async () => {
    const upload = fileUpload(randomBytes(20_000));
    const answer = await post(upload.slice(1000, 4096));
    expectFail(answer, PIC_UP_ERROR_CODES.inconsistentParameter, 'Slice_Offset');
    expect(answer.ErrorCode).toBe(-8);
  });

  it('accepts a misaligned offset for the last slice', async () => {
    const upload = fileUpload(randomBytes(10_000));
    expect(await post(upload.slice(0, 8192))).toMatchObject({ ActionStatus: 'OK', Next_Offset: 8192 });
    const last = await post(upload.slice(5000, 5000));
    expect(last).toMatchObject({ ActionStatus: 'OK', IsFinish: 1, Next_Offset: 10_000 });
  });

  it('rejects a Slice_Size that differs from the decoded Slice_Data', async () => {
    const upload = fileUpload(randomBytes(10_000));
    const answer = await post(upload.slice(0, 4096, { Slice_Size: 4000 }));
    expectFail(answer, -8, 'Slice_Size');
  });

  it('rejects a slice that runs past File_Size', async () => {
    const data = randomBytes(8192);
    const upload = fileUpload(data);
    const answer = await post(
      upload.slice(4096, 4096, { Slice_Size: 8192, Slice_Data: randomBytes(8192).toString('base64') }),
    );
    expectFail(answer, -8, 'exceeds File_Size');
  });

  it('rejects a File_Size different from the first slice of the upload', async () => {
    const upload = fileUpload(randomBytes(10_000));
    expect(await post(upload.slice(0, 4096))).toMatchObject({ ActionStatus: 'OK', Next_Offset: 4096 });
    const answer = await post(upload.slice(4096, 4096, { File_Size: 20_000 }));
    expectFail(answer, -8, 'File_Size');
    expect(answer.Next_Offset).toBe(4096);
  });

  it('rejects the completion when the MD5 does not match and discards the partial upload', async () => {
    const data = randomBytes(3 * 4096);
    const wrongMd5 = md5(Buffer.from('something else'));
    const upload = fileUpload(data);
    expect(await post(upload.slice(0, 8192, { File_Str_Md5: wrongMd5 }))).toMatchObject({
      ActionStatus: 'OK',
      Next_Offset: 8192,
    });
    const answer = await post(upload.slice(8192, 4096, { File_Str_Md5: wrongMd5 }));
    expectFail(answer, -8, 'File_Str_Md5');
    expect(answer.Next_Offset).toBe(0);
    expect(await emulator.listObjects()).toEqual([]);
    expect(await readdir(join(storageDir, 'partial'))).toEqual([]);
    // The upload starts over: what came before the mismatch was forgotten.
    const again = await post(upload.slice(8192, 4096, { File_Str_Md5: wrongMd5 }));
    expect(again).toMatchObject({ ActionStatus: 'OK', Next_Offset: 0, IsFinish: 0 });
  });
});

describe('uploads', () => {
  it('uploads slices in order, with Next_Offset after each, and echoes the request', async () => {
    const data = randomBytes(2 * sliceSize + 40_000);
    const upload = fileUpload(data);
    const first = await post(upload.part(0));
    expect(first).toEqual({
      ActionStatus: 'OK',
      ErrorCode: 0,
      ErrorInfo: '',
      IsRejectRetry: 0,
      Next_Offset: sliceSize,
      IsFinish: 0,
      From_Account: 'alice',
      To_Account: 'bob',
      Seq: 7,
      Timestamp: 1_700_000_000,
      Random: 123_456,
      AppId: Number(emulator.credentials.sdkAppId),
      App_Version: '1.0',
    });
    expect(await post(upload.part(1))).toMatchObject({ Next_Offset: 2 * sliceSize, IsFinish: 0 });
    const last = await post(upload.part(2));
    expect(last).toMatchObject({ ActionStatus: 'OK', Next_Offset: data.length, IsFinish: 1 });
    const uuid = String(last.File_UUID);
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(last.URL_INFO).toEqual([
      {
        PIC_TYPE: 1,
        DownUrl: `${emulator.baseUrl}/download/${uuid}?type=1`,
        PIC_Width: 0,
        PIC_Height: 0,
        PIC_Size: data.length,
      },
    ]);
    expect(await emulator.listObjects()).toEqual([{ uuid, size: data.length, md5: md5(data) }]);
    expect(emulator.stats()).toEqual({ requests: 3, sliceBytesReceived: data.length, completedUploads: 1 });
  });

  it('assembles slices that arrive out of order', async () => {
    const data = randomBytes(2 * sliceSize + 1234);
    const upload = fileUpload(data);
    expect(await post(upload.part(2))).toMatchObject({ ActionStatus: 'OK', Next_Offset: 0, IsFinish: 0 });
    expect(await post(upload.part(0))).toMatchObject({ Next_Offset: sliceSize, IsFinish: 0 });
    const last = await post(upload.part(1));
    expect(last).toMatchObject({ Next_Offset: data.length, IsFinish: 1 });
    const download = await fetch(String((last.URL_INFO as Answer[])[0]!.DownUrl));
    expect(sha256(await download.arrayBuffer())).toBe(sha256(data));
  });

  it('floors Next_Offset to 4K when a slice ends off a boundary', async () => {
    const upload = fileUpload(randomBytes(20_000));
    expect(await post(upload.slice(0, 5000))).toMatchObject({ ActionStatus: 'OK', Next_Offset: 4096 });
    expect(await post(upload.slice(4096, 8192))).toMatchObject({ Next_Offset: 12_288 });
  });

  it('keeps uploads with different Random apart', async () => {
    const data = randomBytes(8192);
    const one = fileUpload(data, { random: 1 });
    const two = fileUpload(data, { random: 2 });
    expect(await post(one.slice(0, 4096))).toMatchObject({ Next_Offset: 4096 });
    expect(await post(two.slice(4096, 4096))).toMatchObject({ Next_Offset: 0, IsFinish: 0 });
  });

  it('completes a 0-byte file with one empty slice', async () => {
    const upload = fileUpload(Buffer.alloc(0));
    const answer = await post(upload.slice(0, 0));
    expect(answer).toMatchObject({ ActionStatus: 'OK', IsFinish: 1, Next_Offset: 0 });
    expect(await emulator.listObjects()).toEqual([
      { uuid: answer.File_UUID, size: 0, md5: 'd41d8cd98f00b204e9800998ecf8427e' },
    ]);
    const download = await fetch(`${emulator.baseUrl}/download/${String(answer.File_UUID)}`);
    expect(download.headers.get('content-length')).toBe('0');
    expect((await download.arrayBuffer()).byteLength).toBe(0);
  });

  it('accepts a zero-length slice at offset File_Size and answers the current state', async () => {
    const data = randomBytes(8192);
    const upload = fileUpload(data);
    expect(await post(upload.slice(0, 4096))).toMatchObject({ Next_Offset: 4096 });
    expect(await post(upload.slice(8192, 0))).toMatchObject({
      ActionStatus: 'OK',
      Next_Offset: 4096,
      IsFinish: 0,
    });
    const done = await post(upload.slice(4096, 4096));
    expect(done).toMatchObject({ IsFinish: 1, Next_Offset: 8192 });
    const quirk = await post(upload.slice(8192, 0));
    expect(quirk).toMatchObject({ ActionStatus: 'OK', IsFinish: 1, File_UUID: done.File_UUID });
  });

  it('answers a repeated final slice with the same File_UUID and no second object', async () => {
    const data = randomBytes(sliceSize + 10);
    const upload = fileUpload(data);
    await post(upload.part(0));
    const first = await post(upload.part(1));
    const repeat = await post(upload.part(1));
    const repeatFirst = await post(upload.part(0));
    expect(first.IsFinish).toBe(1);
    expect(repeat).toMatchObject({ IsFinish: 1, Next_Offset: data.length, File_UUID: first.File_UUID });
    expect(repeat.URL_INFO).toEqual(first.URL_INFO);
    expect(repeatFirst).toMatchObject({ IsFinish: 1, File_UUID: first.File_UUID });
    expect(await emulator.listObjects()).toHaveLength(1);
    expect(emulator.stats().completedUploads).toBe(1);
  });

  it('creates one object when every slice is sent at once', async () => {
    const data = randomBytes(6 * sliceSize);
    const upload = fileUpload(data);
    const answers = await Promise.all([0, 1, 2, 3, 4, 5, 0, 5].map((index) => post(upload.part(index))));
    const finished = answers.filter((answer) => answer.IsFinish === 1);
    expect(finished.length).toBeGreaterThanOrEqual(1);
    expect(new Set(finished.map((answer) => answer.File_UUID)).size).toBe(1);
    expect(await emulator.listObjects()).toEqual([
      { uuid: finished[0]!.File_UUID, size: data.length, md5: md5(data) },
    ]);
  });

  it('lists three URL_INFO entries with the PNG dimensions for an image', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      Buffer.from('IHDR', 'latin1'),
      Buffer.from([0, 0, 0x02, 0x80, 0, 0, 0x01, 0xe0]),
      randomBytes(500),
    ]);
    const answer = await post(fileUpload(png, { fileType: 1 }).slice(0, png.length));
    const uuid = String(answer.File_UUID);
    expect(answer.URL_INFO).toEqual(
      [1, 2, 4].map((type) => ({
        PIC_TYPE: type,
        DownUrl: `${emulator.baseUrl}/download/${uuid}?type=${type}`,
        PIC_Width: 640,
        PIC_Height: 480,
        PIC_Size: png.length,
      })),
    );
  });
});

describe('faults', () => {
  it('reject: FAIL with IsRejectRetry 1, default code, slice not stored', async () => {
    const upload = fileUpload(randomBytes(8192));
    emulator.injectFault({ kind: 'reject', errorInfo: 'no more' });
    const answer = await post(upload.slice(0, 4096));
    expect(answer).toMatchObject({
      ActionStatus: 'FAIL',
      ErrorCode: PIC_UP_ERROR_CODES.injectedReject,
      ErrorInfo: 'no more',
      IsRejectRetry: 1,
      From_Account: 'alice',
    });
    expect(await post(upload.slice(4096, 4096))).toMatchObject({ ActionStatus: 'OK', Next_Offset: 0 });
  });

  it('retryable-fail: FAIL with IsRejectRetry 0 and the given code, then normal service', async () => {
    const upload = fileUpload(randomBytes(8192));
    emulator.injectFault({ kind: 'retryable-fail', errorCode: 12345, errorInfo: 'busy' });
    expect(await post(upload.slice(0, 4096))).toMatchObject({
      ActionStatus: 'FAIL',
      ErrorCode: 12345,
      ErrorInfo: 'busy',
      IsRejectRetry: 0,
    });
    expect(await post(upload.slice(0, 4096))).toMatchObject({ ActionStatus: 'OK', Next_Offset: 4096 });
  });

  it('rewind: answers Next_Offset = toOffset, forgets later bytes and does not store the slice', async () => {
    const data = randomBytes(4 * 4096);
    const upload = fileUpload(data);
    expect(await post(upload.slice(0, 8192))).toMatchObject({ Next_Offset: 8192 });
    expect(await post(upload.slice(8192, 4096))).toMatchObject({ Next_Offset: 12_288 });
    emulator.injectFault({ kind: 'rewind', toOffset: 4096 });
    expect(await post(upload.slice(12_288, 4096))).toMatchObject({
      ActionStatus: 'OK',
      Next_Offset: 4096,
      IsFinish: 0,
    });
    // The last slice was not stored and bytes from 4096 on were forgotten.
    expect(await post(upload.slice(8192, 0))).toMatchObject({ Next_Offset: 4096 });
    expect(await post(upload.slice(4096, 3 * 4096))).toMatchObject({ IsFinish: 1, Next_Offset: data.length });
    const [object] = await emulator.listObjects();
    expect(object?.md5).toBe(md5(data));
  });

  it('rejects a rewind offset that is not 4K-aligned', () => {
    expect(() => emulator.injectFault({ kind: 'rewind', toOffset: 100 })).toThrow(RangeError);
  });

  it('http-status: that status and a text body, with Retry-After when asked, slice not stored', async () => {
    const upload = fileUpload(randomBytes(8192));
    emulator.injectFault({ kind: 'http-status', status: 503, retryAfterSeconds: 2 });
    const response = await postRaw(JSON.stringify(upload.slice(0, 4096)));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.text()).toContain('503');
    expect(await post(upload.slice(4096, 4096))).toMatchObject({ ActionStatus: 'OK', Next_Offset: 0 });
  });

  it('http-status: can answer 200 with a malformed body', async () => {
    emulator.injectFault({ kind: 'http-status', status: 200, body: '{"ActionStatus":' });
    const response = await postRaw(JSON.stringify(fileUpload(randomBytes(10)).slice(0, 10)));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"ActionStatus":');
  });

  it('reset: the connection drops without an answer', async () => {
    const upload = fileUpload(randomBytes(4096));
    emulator.injectFault({ kind: 'reset' });
    await expect(post(upload.slice(0, 4096))).rejects.toThrow();
    expect(await emulator.listObjects()).toEqual([]);
    expect(await post(upload.slice(0, 4096))).toMatchObject({ IsFinish: 1 });
  });

  it('stall: the answer comes late but the slice is handled', async () => {
    const upload = fileUpload(randomBytes(4096));
    emulator.injectFault({ kind: 'stall', ms: 300 });
    const started = performance.now();
    const answer = await post(upload.slice(0, 4096));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer).toMatchObject({ ActionStatus: 'OK', IsFinish: 1 });
  });

  it('consumes faults in order, one per authenticated request', async () => {
    const upload = fileUpload(randomBytes(4096));
    emulator.injectFault({ kind: 'retryable-fail', errorInfo: 'first' });
    emulator.injectFault({ kind: 'reject', errorInfo: 'second' });
    // A request with a wrong UserSig does not use up a fault.
    expect(await post(upload.slice(0, 4096), { query: { usersig: 'wrong' } })).toMatchObject({
      ErrorCode: 70003,
    });
    expect(await post(upload.slice(0, 4096))).toMatchObject({ ErrorInfo: 'first', IsRejectRetry: 0 });
    expect(await post(upload.slice(0, 4096))).toMatchObject({ ErrorInfo: 'second', IsRejectRetry: 1 });
    expect(await post(upload.slice(0, 4096))).toMatchObject({ ActionStatus: 'OK', IsFinish: 1 });
    expect(emulator.stats()).toEqual({ requests: 4, sliceBytesReceived: 3 * 4096, completedUploads: 1 });
  });
});

describe('downloads', () => {
  it('streams the stored bytes with length and type', async () => {
    const data = randomBytes(sliceSize + 999);
    const done = await uploadWhole(fileUpload(data));
    const response = await fetch(`${emulator.baseUrl}/download/${String(done.File_UUID)}?type=4`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe(String(data.length));
    expect(sha256(await response.arrayBuffer())).toBe(sha256(data));
  });

  it('answers 404 for an unknown uuid', async () => {
    const response = await fetch(`${emulator.baseUrl}/download/00000000-0000-4000-8000-000000000000`);
    expect(response.status).toBe(404);
  });

  it('refuses path traversal', async () => {
    const done = await uploadWhole(fileUpload(randomBytes(100)));
    // Joined onto the storage dir unchecked, this path would name the stored object's own file.
    const sneaky = encodeURIComponent(`../${basename(storageDir)}/${String(done.File_UUID)}`);
    for (const path of ['/download/..%2F..%2Fetc', `/download/${sneaky}`, '/download/%E0%A4%A']) {
      const response = await fetch(`${emulator.baseUrl}${path}`);
      expect(response.status, path).toBe(404);
    }
  });

  it('answers 404 for unknown paths and 405 for a GET on pic_up', async () => {
    expect((await fetch(`${emulator.baseUrl}/v4/openpic/other`)).status).toBe(404);
    const get = await fetch(picUpUrl());
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('persistence', () => {
  it('keeps objects and their idempotent answers across a restart with the same storageDir', async () => {
    const data = randomBytes(sliceSize + 77);
    const upload = fileUpload(data);
    const done = await uploadWhole(upload);
    const { credentials } = emulator;
    await emulator.close();

    emulator = await startPicUpEmulator({ storageDir, credentials });
    expect(await emulator.listObjects()).toEqual([
      { uuid: done.File_UUID, size: data.length, md5: md5(data) },
    ]);
    const response = await fetch(`${emulator.baseUrl}/download/${String(done.File_UUID)}`);
    expect(sha256(await response.arrayBuffer())).toBe(sha256(data));
    const repeat = await post(upload.part(1));
    expect(repeat).toMatchObject({ IsFinish: 1, File_UUID: done.File_UUID });
    expect(await emulator.listObjects()).toHaveLength(1);
  });

  it('resumes a partial upload after a restart', async () => {
    const data = randomBytes(2 * sliceSize + 5);
    const upload = fileUpload(data);
    expect(await post(upload.part(0))).toMatchObject({ Next_Offset: sliceSize });
    const { credentials } = emulator;
    await emulator.close();

    emulator = await startPicUpEmulator({ storageDir, credentials });
    expect(await post(upload.part(1))).toMatchObject({ Next_Offset: 2 * sliceSize, IsFinish: 0 });
    expect(await post(upload.part(2))).toMatchObject({ IsFinish: 1 });
    expect((await emulator.listObjects())[0]?.md5).toBe(md5(data));
  });
});
