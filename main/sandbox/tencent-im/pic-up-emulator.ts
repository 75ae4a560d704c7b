import { randomBytes, randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import {
  FILE_TYPES,
  PIC_TYPES,
  PIC_UP_ERROR_CODES,
  SLICE_ALIGNMENT,
  checkSliceShape,
  echoOf,
  parsePicUpBody,
} from './pic-up-server-protocol.ts';
import type { PicUpEcho, PicUpRejection } from './pic-up-server-protocol.ts';
import { FILE_UUID_PATTERN, PicUpStore } from './pic-up-store.ts';
import type { SliceOutcome, StoredObject } from './pic-up-store.ts';
import { holdRequestBody, type BodyHold } from '../body-hold.ts';
import { FaultQueue } from '../fault-queue.ts';
import { crashMessage, resetMidBody, startLoopbackServer } from '../loopback-server.ts';

export interface PicUpCredentials {
  sdkAppId: string;
  identifier: string;
  userSig: string;
}

export interface PicUpEmulatorOptions {
  storageDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Fixed credentials, so an app restart keeps working with the ones it saved; random otherwise. */
  credentials?: PicUpCredentials;
  /** Largest request body accepted before answering 413; 16 MiB by default. */
  maxBodyBytes?: number;
}

export type PicUpFault =
  /** ActionStatus FAIL with IsRejectRetry 1: the client must give up. */
  | { kind: 'reject'; errorCode?: number; errorInfo: string }
  /** ActionStatus FAIL with IsRejectRetry 0: the client may send the slice again. */
  | { kind: 'retryable-fail'; errorCode?: number; errorInfo: string }
  /** The server forgets bytes at and after `toOffset` and asks for them again; the slice is not stored. */
  | { kind: 'rewind'; toOffset: number }
  /** A transport-level failure: that status, a short text body (or `body`), the slice not stored. */
  | { kind: 'http-status'; status: number; body?: string; retryAfterSeconds?: number }
  /** The connection is destroyed while the body is arriving; no answer at all. */
  | { kind: 'reset' }
  /** The answer is held back for `ms`, then the slice is handled normally (even if the client gave up). */
  | { kind: 'stall'; ms: number }
  /** The body stops being read part-way until the test releases the hold; then handled normally. */
  | { kind: 'hold'; hold: BodyHold };

export interface PicUpEmulatorStats {
  /** Every POST to pic_up, whatever its outcome. */
  requests: number;
  /** Decoded bytes of every well-formed slice that arrived, stored or not (faults, duplicates, -8). */
  sliceBytesReceived: number;
  /** Uploads that became stored objects (an idempotent repeat of a finished upload does not count). */
  completedUploads: number;
}

export interface PicUpEmulator {
  /** e.g. http://127.0.0.1:41234; clients post to `${baseUrl}/v4/openpic/pic_up?...`. */
  readonly baseUrl: string;
  readonly credentials: PicUpCredentials;
  /**
   * Queue a fault for the next authenticated pic_up request(s), FIFO, each consumed by one request.
   * `afterRequests` lets that many requests through normally first, so a test can aim a fault at the
   * middle of an upload without racing it.
   */
  injectFault(fault: PicUpFault, options?: { afterRequests?: number }): void;
  /** Drop the faults no request has consumed yet; returns how many there were. */
  clearFaults(): number;
  stats(): PicUpEmulatorStats;
  listObjects(): Promise<Array<{ uuid: string; size: number; md5: string }>>;
  close(): Promise<void>;
}

export const PIC_UP_PATH = '/v4/openpic/pic_up';
/** Tencent IM's REST "query accounts", which clients use as an authenticated "test connection". */
export const ACCOUNT_CHECK_PATH = '/v4/im_open_login_svc/account_check';
const DOWNLOAD_PREFIX = '/download/';
const defaultMaxBodyBytes = 16 * 1024 * 1024;

/**
 * A loopback emulator of the server side of Tencent IM's `pic_up` (docs/providers.md#tencent-cloud-im):
 * slices in any order, `Next_Offset` from the received bytes, MD5 verified at the end, idempotent completion,
 * and downloads of what was stored. Faults are injected per request to exercise the client's retry rules.
 */
export async function startPicUpEmulator(options: PicUpEmulatorOptions): Promise<PicUpEmulator> {
  const store = await PicUpStore.open(options.storageDir);
  const credentials = options.credentials ?? randomCredentials();
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const faults = new FaultQueue<PicUpFault>();
  const counters: PicUpEmulatorStats = { requests: 0, sliceBytesReceived: 0, completedUploads: 0 };
  const closing = new AbortController();
  let baseUrl = '';

  const context: HandlerContext = {
    store,
    credentials,
    maxBodyBytes,
    faults,
    counters,
    closing: closing.signal,
    baseUrl: () => baseUrl,
  };

  const server = await startLoopbackServer({
    port: options.port ?? 0,
    closing,
    handle: (request, response) => handle(context, request, response),
    onCrash: (response, error) => sendText(response, 500, crashMessage(error)),
  });
  baseUrl = server.baseUrl;

  let closed: Promise<void> | undefined;
  return {
    baseUrl,
    credentials,
    injectFault(fault, injectOptions) {
      faults.push(checkRewind(fault), injectOptions?.afterRequests);
    },
    clearFaults() {
      return faults.clear();
    },
    stats() {
      return { ...counters };
    },
    async listObjects() {
      return store.listObjects().map(({ uuid, size, md5 }) => ({ uuid, size, md5 }));
    },
    close() {
      closed ??= (async () => {
        await server.close();
        await store.whenIdle();
      })();
      return closed;
    },
  };
}

interface HandlerContext {
  store: PicUpStore;
  credentials: PicUpCredentials;
  maxBodyBytes: number;
  faults: FaultQueue<PicUpFault>;
  counters: PicUpEmulatorStats;
  closing: AbortSignal;
  baseUrl(): string;
}

async function handle(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === PIC_UP_PATH) {
    if (request.method !== 'POST') return methodNotAllowed(request, response, 'POST');
    return handlePicUp(context, url, request, response);
  }
  if (url.pathname === ACCOUNT_CHECK_PATH) {
    if (request.method !== 'POST') return methodNotAllowed(request, response, 'POST');
    return handleAccountCheck(context, url, request, response);
  }
  if (url.pathname.startsWith(DOWNLOAD_PREFIX)) {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return methodNotAllowed(request, response, 'GET, HEAD');
    return handleDownload(context, url, request, response);
  }
  request.resume();
  sendText(response, 404, 'not found');
}

async function handlePicUp(
  context: HandlerContext,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  context.counters.requests++;
  const authFailure = checkCredentials(context.credentials, url.searchParams);
  const appId = appIdOf(url.searchParams.get('sdkappid'));
  const fault = authFailure === undefined ? context.faults.next() : undefined;

  if (fault?.kind === 'reset') {
    await resetMidBody(request);
    return;
  }
  if (fault?.kind === 'hold') holdRequestBody(request, fault.hold);
  const body = await readBody(request, context.maxBodyBytes);
  if (body === 'too-large') {
    sendText(response, 413, `request body exceeds ${context.maxBodyBytes} bytes`);
    return;
  }
  const bodyText = body.toString('utf8');
  if (authFailure !== undefined) {
    sendJson(
      response,
      failure(appId, echoOfText(bodyText), authFailure, { retryable: false, nextOffset: 0 }),
    );
    return;
  }
  if (fault?.kind === 'stall') {
    await delay(fault.ms, undefined, { signal: context.closing }).catch(() => undefined);
    if (context.closing.aborted) return;
  }
  if (fault?.kind === 'http-status') {
    if (fault.retryAfterSeconds !== undefined)
      response.setHeader('Retry-After', String(fault.retryAfterSeconds));
    sendText(response, fault.status, fault.body ?? `injected HTTP ${fault.status}`);
    return;
  }

  const parsed = parsePicUpBody(bodyText);
  if (parsed.ok) context.counters.sliceBytesReceived += parsed.request.sliceData.length;

  if (fault?.kind === 'reject' || fault?.kind === 'retryable-fail') {
    const retryable = fault.kind === 'retryable-fail';
    const errorCode =
      fault.errorCode ??
      (retryable ? PIC_UP_ERROR_CODES.injectedRetryableFailure : PIC_UP_ERROR_CODES.injectedReject);
    sendJson(
      response,
      failure(appId, parsed.echo, { errorCode, errorInfo: fault.errorInfo }, { retryable, nextOffset: 0 }),
    );
    return;
  }
  if (!parsed.ok) {
    sendJson(response, failure(appId, parsed.echo, parsed, { retryable: false, nextOffset: 0 }));
    return;
  }

  const slice = parsed.request;
  const shapeProblem = checkSliceShape(slice);
  let outcome: SliceOutcome;
  if (shapeProblem !== undefined) {
    outcome = { kind: 'rejected', rejection: shapeProblem, nextOffset: 0 };
  } else if (fault?.kind === 'rewind') {
    outcome = await context.store.rewind(slice, fault.toOffset);
  } else {
    outcome = await context.store.receiveSlice(slice);
    if (outcome.kind === 'complete' && outcome.created) context.counters.completedUploads++;
  }

  switch (outcome.kind) {
    case 'rejected':
      sendJson(
        response,
        failure(appId, parsed.echo, outcome.rejection, { retryable: false, nextOffset: outcome.nextOffset }),
      );
      return;
    case 'progress':
      sendJson(response, {
        ...okStatus(),
        Next_Offset: outcome.nextOffset,
        IsFinish: 0,
        ...echoFields(appId, parsed.echo),
      });
      return;
    case 'complete':
      sendJson(response, {
        ...okStatus(),
        Next_Offset: outcome.object.size,
        IsFinish: 1,
        ...echoFields(appId, parsed.echo),
        File_UUID: outcome.object.uuid,
        URL_INFO: urlInfoOf(context.baseUrl(), outcome.object),
      });
      return;
  }
}

/**
 * `account_check` with the same credential check as pic_up; every UserID asked about is reported as
 * imported (the emulator keeps no account list). Not counted in `stats().requests`, which is pic_up's.
 */
async function handleAccountCheck(
  context: HandlerContext,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request, 64 * 1024);
  const authFailure = checkCredentials(context.credentials, url.searchParams);
  if (authFailure !== undefined) {
    sendJson(response, {
      ActionStatus: 'FAIL',
      ErrorCode: authFailure.errorCode,
      ErrorInfo: authFailure.errorInfo,
    });
    return;
  }
  let items: unknown;
  try {
    items =
      body === 'too-large'
        ? undefined
        : (JSON.parse(body.toString('utf8')) as { CheckItem?: unknown }).CheckItem;
  } catch {
    items = undefined;
  }
  const userIds = Array.isArray(items)
    ? items.map((item: unknown) => (item as { UserID?: unknown } | null)?.UserID)
    : [];
  if (userIds.length === 0 || userIds.some((id) => typeof id !== 'string' || id === '')) {
    sendJson(response, {
      ActionStatus: 'FAIL',
      ErrorCode: 70402,
      ErrorInfo: 'CheckItem is missing or invalid',
    });
    return;
  }
  sendJson(response, {
    ActionStatus: 'OK',
    ErrorCode: 0,
    ErrorInfo: '',
    ResultItem: userIds.map((id) => ({
      UserID: id,
      ResultCode: 0,
      ResultInfo: '',
      AccountStatus: 'Imported',
    })),
  });
}

async function handleDownload(
  context: HandlerContext,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  request.resume();
  let uuid: string;
  try {
    uuid = decodeURIComponent(url.pathname.slice(DOWNLOAD_PREFIX.length));
  } catch {
    uuid = '';
  }
  // Only a well-formed File_UUID ever reaches the file system, so `..` and separators cannot.
  const object = FILE_UUID_PATTERN.test(uuid) ? context.store.getObject(uuid) : undefined;
  if (object === undefined) {
    sendText(response, 404, 'no such file');
    return;
  }
  response.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': String(object.size),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  await pipeline(createReadStream(context.store.objectPath(object.uuid)), response);
}

/**
 * The real server makes a small and a large rendition of images; the emulator makes no thumbnails and
 * serves the original bytes for every PIC_TYPE, which is all a client needs to test links.
 */
function urlInfoOf(baseUrl: string, object: StoredObject) {
  const types =
    object.fileType === FILE_TYPES.image
      ? [PIC_TYPES.original, PIC_TYPES.small, PIC_TYPES.large]
      : [PIC_TYPES.original];
  return types.map((picType) => ({
    PIC_TYPE: picType,
    DownUrl: `${baseUrl}${DOWNLOAD_PREFIX}${object.uuid}?type=${picType}`,
    PIC_Width: object.width,
    PIC_Height: object.height,
    PIC_Size: object.size,
  }));
}

function checkCredentials(expected: PicUpCredentials, query: URLSearchParams): PicUpRejection | undefined {
  const given = {
    sdkappid: query.get('sdkappid'),
    identifier: query.get('identifier'),
    usersig: query.get('usersig'),
  };
  for (const [name, value] of Object.entries(given)) {
    if (value === null || value === '') {
      return { errorCode: PIC_UP_ERROR_CODES.missingParameter, errorInfo: `missing ${name}` };
    }
  }
  if (
    given.sdkappid !== expected.sdkAppId ||
    given.identifier !== expected.identifier ||
    given.usersig !== expected.userSig
  ) {
    return { errorCode: PIC_UP_ERROR_CODES.invalidUserSig, errorInfo: 'UserSig is invalid' };
  }
  return undefined;
}

function okStatus() {
  return { ActionStatus: 'OK', ErrorCode: PIC_UP_ERROR_CODES.ok, ErrorInfo: '', IsRejectRetry: 0 };
}

function failure(
  appId: string | number,
  echo: PicUpEcho,
  rejection: { errorCode: number; errorInfo: string },
  options: { retryable: boolean; nextOffset: number },
) {
  return {
    ActionStatus: 'FAIL',
    ErrorCode: rejection.errorCode,
    ErrorInfo: rejection.errorInfo,
    IsRejectRetry: options.retryable ? 0 : 1,
    Next_Offset: options.nextOffset,
    IsFinish: 0,
    ...echoFields(appId, echo),
  };
}

function echoFields(appId: string | number, echo: PicUpEcho) {
  return {
    From_Account: echo.From_Account,
    To_Account: echo.To_Account,
    Seq: echo.Seq,
    Timestamp: echo.Timestamp,
    Random: echo.Random,
    AppId: appId,
    App_Version: echo.App_Version,
  };
}

function echoOfText(bodyText: string): PicUpEcho {
  try {
    return echoOf(JSON.parse(bodyText));
  } catch {
    return echoOf(undefined);
  }
}

/** SDK app ids are integers; echo one as a number, anything else as the string it was. */
function appIdOf(sdkAppId: string | null): string | number {
  if (sdkAppId === null) return '';
  return /^\d{1,15}$/.test(sdkAppId) ? Number(sdkAppId) : sdkAppId;
}

/** The one fault only pic_up has: a rewind must land on a slice boundary (the others FaultQueue checks). */
function checkRewind(fault: PicUpFault): PicUpFault {
  if (
    fault.kind === 'rewind' &&
    (!Number.isSafeInteger(fault.toOffset) || fault.toOffset < 0 || fault.toOffset % SLICE_ALIGNMENT !== 0)
  ) {
    throw new RangeError(`rewind toOffset must be a non-negative multiple of ${SLICE_ALIGNMENT}`);
  }
  return fault;
}

function randomCredentials(): PicUpCredentials {
  // Real UserSigs are base64 with `*`, `-` and `_` for `+`, `/` and `=`: clients must URL-encode them.
  const userSig = randomBytes(48)
    .toString('base64')
    .replace(/\+/g, '*')
    .replace(/\//g, '-')
    .replace(/=/g, '_');
  return {
    sdkAppId: String(randomInt(1_400_000_000, 1_500_000_000)),
    identifier: `sandbox-admin-${randomBytes(3).toString('hex')}`,
    userSig,
  };
}

/**
 * Reads the whole body (slices are bounded by the client's slice size) but stops keeping it past the
 * limit; the rest is drained so the client sees the 413 rather than a broken pipe.
 */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(request.headers['content-length']);
  let tooLarge = Number.isFinite(declared) && declared > limit;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    if (tooLarge) continue;
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > limit) {
      tooLarge = true;
      chunks.length = 0;
      continue;
    }
    chunks.push(buffer);
  }
  return tooLarge ? 'too-large' : Buffer.concat(chunks, total);
}

function methodNotAllowed(request: IncomingMessage, response: ServerResponse, allow: string): void {
  request.resume();
  response.setHeader('Allow', allow);
  sendText(response, 405, 'method not allowed');
}

function sendJson(response: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  if (response.destroyed) return;
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}
