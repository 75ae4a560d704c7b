import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  OPPO_ERRORS,
  OPPO_IMAGE_PATH,
  PICTURE_RULES,
  errorBody,
  parseBasicAuth,
  type BasicCredentials,
  type OppoErrorCode,
  type PictureRole,
} from './oppo-push-server-protocol.ts';
import { fetchPicture, loopbackUrl } from './picture-fetch.ts';
import { FaultQueue } from '../fault-queue.ts';
import { crashMessage, startLoopbackServer } from '../loopback-server.ts';

export interface OppoPushEmulatorOptions {
  /** Where the fetched pictures are kept (as `<id>.<format>`), for tests to look at. */
  storageDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Fixed credentials, so an app restart keeps working with the ones it saved; random otherwise. */
  credentials?: BasicCredentials;
}

export type OppoPushFault =
  /** The card's error body `{"error": {code, message}}` with the card's HTTP status for that code. */
  | { kind: 'error'; code: OppoErrorCode; message?: string }
  /** A transport-level answer: that status with a short text body (or `body`). */
  | { kind: 'http-status'; status: number; body?: string; retryAfterSeconds?: number }
  /** The connection is destroyed while the request body arrives; no answer at all. */
  | { kind: 'reset' }
  /** The answer is held back for `ms`, then the request is handled normally (even if the client gave up). */
  | { kind: 'stall'; ms: number }
  /** HTTP 200 with a body that is not JSON. */
  | { kind: 'malformed-json' }
  /** This status and body, verbatim, whatever was asked (an answer the card does not describe). */
  | { kind: 'answer'; status: number; body: string; contentType?: string };

/** A picture the emulator fetched, checked and registered. */
export interface RegisteredPicture {
  id: string;
  role: PictureRole;
  url: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
  /** The fetched bytes as stored by the emulator. */
  path: string;
}

/** A picture URL the emulator refused, and why (what the real service does not say). */
export interface RefusedPicture {
  role: PictureRole;
  url: string;
  code: OppoErrorCode;
  reason: string;
}

export interface OppoPushEmulatorStats {
  /** Every request to the image endpoint, whatever its outcome. */
  requests: number;
  /** Picture URLs fetched. */
  fetches: number;
  /** Requests that returned picture ids. */
  registrations: number;
}

export interface OppoPushEmulator {
  /** e.g. http://127.0.0.1:41234; clients post to `${baseUrl}/v4/image/oppo`. */
  readonly baseUrl: string;
  readonly credentials: BasicCredentials;
  /**
   * Queue a fault for the next authenticated image request(s), FIFO, each consumed by one request;
   * `afterRequests` lets that many through normally first.
   */
  injectFault(fault: OppoPushFault, options?: { afterRequests?: number }): void;
  /** Drop the faults no request has consumed yet; returns how many there were. */
  clearFaults(): number;
  stats(): OppoPushEmulatorStats;
  pictures(): RegisteredPicture[];
  refused(): RefusedPicture[];
  close(): Promise<void>;
}

interface EmulatorState {
  storageDir: string;
  credentials: BasicCredentials;
  faults: FaultQueue<OppoPushFault>;
  counters: OppoPushEmulatorStats;
  pictures: RegisteredPicture[];
  refused: RefusedPicture[];
  closing: AbortSignal;
}

const maxBodyBytes = 64 * 1024;

/**
 * A loopback emulator of the push service's `POST /v4/image/oppo` (docs/providers.md#oppo-push-pictures):
 * Basic auth, the card's error bodies and statuses, and the part that matters most — it fetches the picture
 * URLs (127.0.0.1 only), decodes them and answers OPPO's 51 with HTTP 200 when a picture is not exactly what
 * OPPO takes.
 */
export async function startOppoPushEmulator(options: OppoPushEmulatorOptions): Promise<OppoPushEmulator> {
  mkdirSync(options.storageDir, { recursive: true });
  const closing = new AbortController();
  const state: EmulatorState = {
    storageDir: options.storageDir,
    credentials: options.credentials ?? {
      appKey: randomBytes(12).toString('hex'),
      masterSecret: randomBytes(12).toString('hex'),
    },
    faults: new FaultQueue(),
    counters: { requests: 0, fetches: 0, registrations: 0 },
    pictures: [],
    refused: [],
    closing: closing.signal,
  };
  const server = await startLoopbackServer({
    port: options.port ?? 0,
    closing,
    handle: (request, response) => handle(state, request, response),
    onCrash: (response, error) => sendJson(response, 500, errorBody(23100, crashMessage(error))),
  });

  return {
    baseUrl: server.baseUrl,
    credentials: state.credentials,
    injectFault(fault, injectOptions) {
      if (fault.kind === 'error' && !(fault.code in OPPO_ERRORS))
        throw new RangeError(`not an error code of the card: ${fault.code}`);
      state.faults.push(fault, injectOptions?.afterRequests);
    },
    clearFaults: () => state.faults.clear(),
    stats: () => ({ ...state.counters }),
    pictures: () => [...state.pictures],
    refused: () => [...state.refused],
    close: () => server.close(),
  };
}

async function handle(
  state: EmulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (url.pathname !== OPPO_IMAGE_PATH || request.method !== 'POST') {
    request.resume();
    return sendError(response, 21001);
  }
  state.counters.requests++;
  const given = parseBasicAuth(request.headers.authorization);
  if (given?.appKey !== state.credentials.appKey || given.masterSecret !== state.credentials.masterSecret) {
    request.resume();
    return sendError(response, 23001);
  }

  const fault = state.faults.next();
  if (fault?.kind === 'reset') {
    request.socket.destroy();
    return;
  }
  const body = await readBody(request);
  if (fault?.kind === 'stall') {
    await delay(fault.ms, undefined, { signal: state.closing }).catch(() => undefined);
    if (state.closing.aborted) return;
  }
  switch (fault?.kind) {
    case 'error':
      return sendError(response, fault.code, fault.message);
    case 'http-status':
      if (fault.retryAfterSeconds !== undefined)
        response.setHeader('Retry-After', String(fault.retryAfterSeconds));
      response.writeHead(fault.status, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(fault.body ?? `injected HTTP ${fault.status}`);
      return;
    case 'malformed-json':
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"big_picture_id": "trunc');
      return;
    case 'answer':
      response.writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'application/json' });
      response.end(fault.body);
      return;
  }

  if (body === undefined) return sendError(response, 21003);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return sendError(response, 21003);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return sendError(response, 21003);
  const fields = json as Record<string, unknown>;

  // Which pictures were asked for; an empty string counts as absent, as in the card's own example.
  const asked: Array<{ role: PictureRole; url: string }> = [];
  for (const role of ['big', 'small'] as const) {
    const value = fields[PICTURE_RULES[role].urlField];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') return sendError(response, 21003);
    asked.push({ role, url: value });
  }
  if (asked.length === 0) return sendError(response, 23002);

  const registered: RegisteredPicture[] = [];
  for (const { role, url: pictureUrl } of asked) {
    const target = loopbackUrl(pictureUrl);
    if (!target) {
      state.refused.push({ role, url: pictureUrl, code: 21003, reason: 'not an http://127.0.0.1 URL' });
      return sendError(response, 21003);
    }
    state.counters.fetches++;
    const picture = await fetchPicture(
      target,
      role,
      AbortSignal.any([state.closing, AbortSignal.timeout(10_000)]),
    );
    if (!picture.ok) {
      // (guess) a URL the service cannot download is reported as an invalid parameter.
      const code = picture.kind === 'unreachable' ? 21003 : 51;
      state.refused.push({ role, url: pictureUrl, code, reason: picture.reason });
      return sendError(response, code);
    }
    const id = randomBytes(12).toString('hex');
    const path = join(state.storageDir, `${id}.${picture.format}`);
    await writeFile(path, picture.data);
    registered.push({
      id,
      role,
      url: pictureUrl,
      format: picture.format,
      width: picture.width,
      height: picture.height,
      bytes: picture.data.length,
      path,
    });
  }
  state.pictures.push(...registered);
  state.counters.registrations++;
  sendJson(
    response,
    200,
    Object.fromEntries(registered.map((picture) => [PICTURE_RULES[picture.role].idField, picture.id])),
  );
}

/** The body as text, or undefined when it is larger than any valid request. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    total += (chunk as Buffer).length;
    if (total <= maxBodyBytes) chunks.push(chunk as Buffer);
  }
  return total > maxBodyBytes ? undefined : Buffer.concat(chunks).toString('utf8');
}

function sendError(response: ServerResponse, code: OppoErrorCode, message?: string): void {
  sendJson(response, OPPO_ERRORS[code].status, errorBody(code, message));
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}
