import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import busboy from 'busboy';
import { ChatfileStore, type ReceivedPart, type StoredChatfile } from './chatfile-store.ts';
import {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_REQUESTS_PER_SECOND,
  DEFAULT_THUMBNAIL_EDGE,
  DEFAULT_TOKEN_TTL_SECONDS,
  easemobErrors,
  errorBody,
  isTrue,
  pixels,
  type EasemobErrorBody,
} from './easemob-protocol.ts';
import { SlidingWindowLimiter } from './rate-limiter.ts';
import { holdRequestBody, type BodyHold } from '../body-hold.ts';
import { FaultQueue } from '../fault-queue.ts';
import { drainRequest, resetMidBody, startLoopbackServer } from '../loopback-server.ts';

export interface EasemobCredentials {
  orgName: string;
  appName: string;
  clientId: string;
  clientSecret: string;
}

export interface EasemobEmulatorOptions {
  storageDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Fixed credentials, so an app restart keeps working with the ones it saved; random otherwise. */
  credentials?: EasemobCredentials;
  /** Largest file part accepted before answering 413; Easemob's default 10 MiB unless set. */
  maxFileBytes?: number;
  /** Upload requests per second before 429 reach_limit (Easemob: 100 per app key). */
  requestsPerSecond?: number;
  /** Sent as Retry-After with a rate-limit 429; Easemob's docs mention none, so none by default. */
  rateLimitRetryAfterSeconds?: number;
  /** Lifetime of issued tokens when the request has no `ttl`. */
  tokenTtlSeconds?: number;
}

export type EasemobFault =
  /** The connection is destroyed while the request body is arriving; no answer at all. */
  | { kind: 'reset' }
  /** That status with Easemob's error JSON for it (or `body`); the upload is not stored. */
  | { kind: 'http-status'; status: number; body?: string; retryAfterSeconds?: number }
  /**
   * The answer is held back for `ms` after the whole body arrived. The file is kept only if the
   * client is still connected then (a server whose request was cancelled does not commit it), or,
   * with `stored`, before the wait, as by a server that commits first and then is slow to answer: a
   * client that gives up meanwhile leaves that chat file behind.
   */
  | { kind: 'stall'; ms: number; stored?: boolean }
  /** HTTP 200 with a body that is not the JSON promised (a proxy's page); nothing is stored. */
  | { kind: 'malformed'; body?: string }
  /** 401 auth_bad_access_token whatever the token, as after a server-side revocation. */
  | { kind: 'unauthorized' }
  /** The body stops being read part-way until the test releases the hold (see BodyHold). */
  | { kind: 'hold'; hold: BodyHold };

export type EasemobFaultTarget = 'chatfiles' | 'token';

export interface EasemobEmulatorStats {
  /** Every POST to /token. */
  tokenRequests: number;
  tokensIssued: number;
  /** Every POST to /chatfiles, whatever its outcome. */
  uploadRequests: number;
  /** Bytes of file parts that arrived, stored or not. */
  uploadBytesReceived: number;
  /** Uploads answered 401 (bad, expired or revoked token, or the `unauthorized` fault). */
  unauthorized: number;
  /** Uploads answered 429 reach_limit by the rate limiter. */
  rateLimited: number;
  /** Uploads that became chat files. */
  storedFiles: number;
  downloads: number;
}

export interface EasemobEmulator {
  /** e.g. http://127.0.0.1:41234; the app lives at `${baseUrl}/${orgName}/${appName}`. */
  readonly baseUrl: string;
  readonly credentials: EasemobCredentials;
  /** `${baseUrl}/${org}/${app}/chatfiles`, the `uri` of upload answers. */
  readonly chatfilesUri: string;
  /**
   * Queue a fault for the next request(s) to `target` (chat file uploads by default), FIFO, one per
   * request. `afterRequests` lets that many through normally first.
   */
  injectFault(fault: EasemobFault, options?: { afterRequests?: number; target?: EasemobFaultTarget }): void;
  /** Drop the faults no request has consumed yet; returns how many there were. */
  clearFaults(): number;
  /** Change the upload rate limit (and the Retry-After sent with its 429s) while running. */
  setRateLimit(requestsPerSecond: number, retryAfterSeconds?: number): void;
  /** Every token issued so far becomes unknown (401 auth_bad_access_token). */
  revokeTokens(): void;
  /** Every token issued so far is past its expiry (401 unauthorized, expired access token). */
  expireTokens(): void;
  stats(): EasemobEmulatorStats;
  listObjects(): Array<
    Pick<StoredChatfile, 'uuid' | 'size' | 'sha256' | 'fileName' | 'restricted' | 'shareSecret'>
  >;
  close(): Promise<void>;
}

interface IssuedToken {
  /** Epoch ms; Infinity for `ttl: 0`. */
  expiresAt: number;
}

interface EmulatorState {
  store: ChatfileStore;
  credentials: EasemobCredentials;
  applicationId: string;
  maxFileBytes: number;
  tokenTtlSeconds: number;
  limiter: SlidingWindowLimiter;
  rateLimitRetryAfterSeconds: number | undefined;
  tokens: Map<string, IssuedToken>;
  faults: Record<EasemobFaultTarget, FaultQueue<EasemobFault>>;
  counters: EasemobEmulatorStats;
  closing: AbortSignal;
  baseUrl: string;
}

/**
 * A loopback emulator of Easemob's REST file API (docs/providers.md#easemob): app tokens from client
 * credentials, streamed multipart uploads with the 10 MB limit, share-secrets for restricted files,
 * downloads with thumbnails, the per-app rate limit, and faults injected per request.
 */
export async function startEasemobEmulator(options: EasemobEmulatorOptions): Promise<EasemobEmulator> {
  const store = await ChatfileStore.open(options.storageDir);
  const closing = new AbortController();
  const state: EmulatorState = {
    store,
    credentials: options.credentials ?? randomCredentials(),
    applicationId: randomUUID(),
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    limiter: new SlidingWindowLimiter(options.requestsPerSecond ?? DEFAULT_REQUESTS_PER_SECOND),
    rateLimitRetryAfterSeconds: options.rateLimitRetryAfterSeconds,
    tokens: new Map(),
    faults: { chatfiles: new FaultQueue(), token: new FaultQueue() },
    counters: {
      tokenRequests: 0,
      tokensIssued: 0,
      uploadRequests: 0,
      uploadBytesReceived: 0,
      unauthorized: 0,
      rateLimited: 0,
      storedFiles: 0,
      downloads: 0,
    },
    closing: closing.signal,
    baseUrl: '',
  };

  const server = await startLoopbackServer({
    port: options.port ?? 0,
    closing,
    handle: (request, response) => route(state, request, response),
    onCrash: (response, error) => {
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, 500, errorBody('internal_server_error', message, 'RuntimeException'));
    },
  });
  state.baseUrl = server.baseUrl;
  const chatfilesUri = `${state.baseUrl}/${state.credentials.orgName}/${state.credentials.appName}/chatfiles`;

  return {
    baseUrl: state.baseUrl,
    credentials: state.credentials,
    chatfilesUri,
    injectFault(fault, injectOptions) {
      state.faults[injectOptions?.target ?? 'chatfiles'].push(fault, injectOptions?.afterRequests);
    },
    clearFaults() {
      return state.faults.chatfiles.clear() + state.faults.token.clear();
    },
    setRateLimit(requestsPerSecond, retryAfterSeconds) {
      state.limiter.setLimit(requestsPerSecond);
      state.rateLimitRetryAfterSeconds = retryAfterSeconds;
    },
    revokeTokens() {
      state.tokens.clear();
    },
    expireTokens() {
      const past = Date.now() - 1;
      for (const token of state.tokens.values()) token.expiresAt = past;
    },
    stats() {
      return { ...state.counters };
    },
    listObjects() {
      return store.list().map(({ uuid, size, sha256, fileName, restricted, shareSecret }) => ({
        uuid,
        size,
        sha256,
        fileName,
        restricted,
        shareSecret,
      }));
    },
    close: () => server.close(),
  };
}

async function route(
  state: EmulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const segments = url.pathname.split('/').slice(1).map(safeDecode);
  const [org, app, resource, uuid, ...rest] = segments;
  if (org === undefined || app === undefined || resource === undefined || rest.length > 0) {
    return answer(request, response, easemobErrors.fileNotFound());
  }
  if (org !== state.credentials.orgName || app !== state.credentials.appName) {
    return answer(request, response, easemobErrors.appNotFound(org, app, url.pathname.slice(1)));
  }
  if (resource === 'token' && uuid === undefined) {
    if (request.method !== 'POST') return methodNotAllowed(request, response, 'POST');
    return handleToken(state, request, response);
  }
  if (resource === 'chatfiles' && uuid === undefined) {
    if (request.method !== 'POST') return methodNotAllowed(request, response, 'POST');
    return handleUpload(state, request, response);
  }
  if (resource === 'chatfiles' && uuid !== undefined) {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return methodNotAllowed(request, response, 'GET, HEAD');
    return handleDownload(state, url, request, response);
  }
  return answer(request, response, easemobErrors.fileNotFound());
}

async function handleToken(
  state: EmulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  state.counters.tokenRequests++;
  const fault = state.faults.token.next();
  if (fault !== undefined && (await applyFault(state, fault, request, response))) return;

  const text = await readSmallBody(request, 64 * 1024);
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    return sendAnswer(response, easemobErrors.badJson());
  }
  const body = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (body.grant_type !== 'client_credentials') return sendAnswer(response, easemobErrors.unsupportedGrant());
  if (typeof body.client_id !== 'string' || body.client_id === '') {
    return sendAnswer(response, easemobErrors.missingClientId());
  }
  if (typeof body.client_secret !== 'string' || body.client_secret === '') {
    return sendAnswer(response, easemobErrors.missingClientSecret());
  }
  if (body.client_id !== state.credentials.clientId)
    return sendAnswer(response, easemobErrors.clientIdMismatch());
  if (body.client_secret !== state.credentials.clientSecret) {
    return sendAnswer(response, easemobErrors.secretMismatch());
  }
  const ttl =
    typeof body.ttl === 'number' && Number.isFinite(body.ttl) && body.ttl >= 0
      ? body.ttl
      : state.tokenTtlSeconds;
  const accessToken = `YWMt${randomBytes(48).toString('base64url')}`;
  state.tokens.set(accessToken, { expiresAt: ttl === 0 ? Infinity : Date.now() + ttl * 1000 });
  state.counters.tokensIssued++;
  sendJson(response, 200, { access_token: accessToken, expires_in: ttl, application: state.applicationId });
}

/** Why a request's bearer token is refused, or undefined if it is good. */
function tokenProblem(
  state: EmulatorState,
  request: IncomingMessage,
): readonly [number, EasemobErrorBody] | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return easemobErrors.expiredToken(); // Easemob: "过期或未传入 App Token"
  const issued = state.tokens.get(match[1]!);
  if (issued === undefined) return easemobErrors.corruptToken();
  if (issued.expiresAt <= Date.now()) return easemobErrors.expiredToken();
  return undefined;
}

async function handleUpload(
  state: EmulatorState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  state.counters.uploadRequests++;
  if (!state.limiter.tryAcquire()) {
    state.counters.rateLimited++;
    if (state.rateLimitRetryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(state.rateLimitRetryAfterSeconds));
    }
    return answer(request, response, easemobErrors.reachLimit());
  }
  const fault = state.faults.chatfiles.next();
  if (fault !== undefined && fault.kind !== 'stall' && (await applyFault(state, fault, request, response)))
    return;

  const authProblem = tokenProblem(state, request);
  if (authProblem !== undefined) {
    state.counters.unauthorized++;
    return answer(request, response, authProblem);
  }

  let clientGone = false;
  response.once('close', () => {
    if (!response.writableFinished) clientGone = true;
  });

  const received = await receiveMultipart(state, request);
  if (received === 'aborted') return; // the client went away mid-body: nothing to keep, nobody to tell
  const { part, fields } = received;
  if (part === undefined) return sendAnswer(response, easemobErrors.noFile());
  if (part.truncated || part.size > state.maxFileBytes) {
    await state.store.discard(part);
    return sendAnswer(response, easemobErrors.tooLarge());
  }

  if (fault?.kind === 'stall' && fault.stored !== true) {
    await delay(fault.ms, undefined, { signal: state.closing }).catch(() => undefined);
    if (clientGone || state.closing.aborted || request.socket.destroyed) {
      await state.store.discard(part);
      return;
    }
  }

  // Current docs send the thumbnail size as headers, older ones as form fields: both are accepted.
  const header = (name: string) => request.headers[name];
  const object = await state.store.commit(part, {
    fileName: fields.fileName,
    contentType: fields.mimeType,
    restricted: isTrue(header('restrict-access')) || isTrue(fields.values.get('restrict-access')),
    thumbnailWidth:
      pixels(header('thumbnail-width')) ??
      pixels(fields.values.get('thumbnail-width')) ??
      DEFAULT_THUMBNAIL_EDGE,
    thumbnailHeight:
      pixels(header('thumbnail-height')) ??
      pixels(fields.values.get('thumbnail-height')) ??
      DEFAULT_THUMBNAIL_EDGE,
  });
  state.counters.storedFiles++;
  if (fault?.kind === 'stall' && fault.stored === true) {
    await delay(fault.ms, undefined, { signal: state.closing }).catch(() => undefined);
  }
  const uri = `${state.baseUrl}/${state.credentials.orgName}/${state.credentials.appName}/chatfiles`;
  sendJson(response, 200, {
    action: 'post',
    application: state.applicationId,
    path: '/chatfiles',
    uri,
    entities: [{ uuid: object.uuid, type: 'chatfile', 'share-secret': object.shareSecret }],
    timestamp: Date.now(),
    duration: 0,
    organization: state.credentials.orgName,
    applicationName: state.credentials.appName,
  });
}

interface ReceivedForm {
  part: ReceivedPart | undefined;
  fields: { fileName: string; mimeType: string; values: Map<string, string> };
}

/**
 * Parse the multipart body with busboy, streaming the `file` part to disk (cut off at the size
 * limit). Other file parts are drained. 'aborted' when the body never finished arriving.
 */
async function receiveMultipart(
  state: EmulatorState,
  request: IncomingMessage,
): Promise<ReceivedForm | 'aborted'> {
  const fields: ReceivedForm['fields'] = {
    fileName: 'file',
    mimeType: 'application/octet-stream',
    values: new Map(),
  };
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      // busboy marks a part truncated when it *reaches* fileSize: one byte more lets a file of exactly
      // the limit through, and anything larger is still cut off after limit + 1 bytes.
      limits: { fileSize: state.maxFileBytes + 1, files: 4, fields: 16, fieldSize: 1024 },
    });
  } catch {
    // Not multipart at all: the request has no `file`.
    await drainRequest(request);
    return { part: undefined, fields };
  }
  let receiving: Promise<ReceivedPart> | undefined;
  parser.on('field', (name, value) => fields.values.set(name, value));
  parser.on('file', (name, stream, info) => {
    if (name !== 'file' || receiving !== undefined) {
      stream.resume();
      return;
    }
    fields.fileName = info.filename || 'file';
    fields.mimeType = info.mimeType || 'application/octet-stream';
    stream.on('data', (chunk: Buffer) => {
      state.counters.uploadBytesReceived += chunk.length;
    });
    receiving = state.store.receive(stream);
    receiving.catch(() => undefined); // awaited below; this only stops an unhandled rejection meanwhile
  });
  try {
    await pipeline(request, parser);
  } catch {
    if (receiving !== undefined)
      await receiving.then(
        (part) => state.store.discard(part),
        () => undefined,
      );
    return 'aborted';
  }
  if (receiving === undefined) return { part: undefined, fields };
  try {
    return { part: await receiving, fields };
  } catch {
    return 'aborted';
  }
}

async function handleDownload(
  state: EmulatorState,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  request.resume();
  const [, , , uuid] = url.pathname.split('/').slice(1).map(safeDecode);
  const object = state.store.get(uuid ?? '');
  if (object === undefined) return sendAnswer(response, easemobErrors.fileNotFound());
  // Links carry no token, so only a token that is sent has to be good (guess: the docs list
  // Authorization as required, yet restricted links work with `?share-secret=` alone).
  if (request.headers.authorization !== undefined) {
    const problem = tokenProblem(state, request);
    if (problem !== undefined) return sendAnswer(response, problem);
  }
  if (object.restricted) {
    const given = request.headers['share-secret'] ?? url.searchParams.get('share-secret');
    if (given !== object.shareSecret) return sendAnswer(response, easemobErrors.shareSecretRequired());
  }
  state.counters.downloads++;
  const thumbnail = isTrue(request.headers.thumbnail) ? await state.store.thumbnail(object) : undefined;
  const size = thumbnail?.bytes.length ?? object.size;
  response.writeHead(200, {
    'Content-Type': thumbnail?.contentType ?? object.contentType,
    'Content-Length': String(size),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  if (thumbnail !== undefined) {
    response.end(thumbnail.bytes);
    return;
  }
  await pipeline(createReadStream(state.store.objectPath(object.uuid)), response);
}

/** Play a fault; true if it answered (or dropped) the request, false to go on normally. */
async function applyFault(
  state: EmulatorState,
  fault: EasemobFault,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case 'reset':
      await resetMidBody(request);
      return true;
    case 'http-status': {
      await drainRequest(request);
      if (fault.retryAfterSeconds !== undefined)
        response.setHeader('Retry-After', String(fault.retryAfterSeconds));
      if (fault.body !== undefined) {
        sendText(response, fault.status, fault.body);
      } else {
        sendJson(response, fault.status, errorForStatus(fault.status));
      }
      return true;
    }
    case 'malformed':
      await drainRequest(request);
      sendText(response, 200, fault.body ?? '{"action":"post","entities":[{"uuid":', 'application/json');
      return true;
    case 'unauthorized':
      await drainRequest(request);
      state.counters.unauthorized++;
      sendAnswer(response, easemobErrors.corruptToken());
      return true;
    case 'hold':
      holdRequestBody(request, fault.hold);
      return false;
    case 'stall':
      // On the token endpoint: hold the answer, then answer normally.
      await delay(fault.ms, undefined, { signal: state.closing }).catch(() => undefined);
      return state.closing.aborted;
  }
}

function errorForStatus(status: number): EasemobErrorBody {
  if (status === 429) return easemobErrors.reachLimit()[1];
  if (status === 503) return easemobErrors.unavailable()[1];
  if (status === 413) return easemobErrors.tooLarge()[1];
  if (status === 401) return easemobErrors.corruptToken()[1];
  if (status === 400) return easemobErrors.noFile()[1];
  return easemobErrors.internal()[1];
}

function randomCredentials(): EasemobCredentials {
  return {
    orgName: `sandbox${randomBytes(3).toString('hex')}`,
    appName: 'ferry',
    clientId: `YXA6${randomBytes(16).toString('base64url')}`,
    clientSecret: `YXA6${randomBytes(21).toString('base64url')}`,
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Read a small body whole; undefined past the limit (the rest is drained). */
async function readSmallBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total <= limit) chunks.push(chunk);
  }
  return total > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** Read and drop the body, so the client sees the answer rather than a broken pipe. */
async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  [status, body]: readonly [number, EasemobErrorBody],
): Promise<void> {
  await drainRequest(request);
  sendJson(response, status, body);
}

function sendAnswer(response: ServerResponse, [status, body]: readonly [number, EasemobErrorBody]): void {
  sendJson(response, status, body);
}

function methodNotAllowed(request: IncomingMessage, response: ServerResponse, allow: string): Promise<void> {
  response.setHeader('Allow', allow);
  return answer(request, response, [
    405,
    errorBody('method_not_allowed', `use ${allow}`, 'UnsupportedServiceOperationException'),
  ]);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  sendText(response, status, JSON.stringify(body), 'application/json;charset=UTF-8');
}

function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}
