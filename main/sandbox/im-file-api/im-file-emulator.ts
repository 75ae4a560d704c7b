import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import busboy from 'busboy';
import { ImFileStore } from './im-file-store.ts';
import type { ObjectFacts, ReceivedFile, StoredObject } from './im-file-store.ts';
import {
  checkPresigned,
  encodePolicy,
  keyToPath,
  ossErrorXml,
  postResponseXml,
  presignedUrl,
  signatureMatches,
  sign,
} from './oss-signing.ts';
import { holdRequestBody, type BodyHold } from '../body-hold.ts';
import { FaultQueue } from '../fault-queue.ts';
import { crashMessage, drainRequest, resetMidBody, startLoopbackServer } from '../loopback-server.ts';

export interface ImFileCredentials {
  appId: string;
  /** An admin token: it may act as any user (user_id) or group admin (group_id). */
  accessToken: string;
}

/** How tickets send the file: OSS PostObject (the default), the self-hosted form, or a pre-signed PUT. */
export type StorageVariant = 'oss' | 'self-hosted' | 'put';

/**
 * What an OSS ticket asks the storage to answer on success: the IM server's callback relayed (200 +
 * its JSON, the default), or, without a callback, `success_action_status` 200 (empty), 201 (an XML
 * PostResponse naming the object) or 204 (OSS's default, no body; the ticket then leaves the field out).
 */
export type OssSuccessAnswer = 'callback' | 200 | 201 | 204;

export interface ImFileEmulatorOptions {
  storageDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  credentials?: ImFileCredentials;
  storageVariant?: StorageVariant;
  ossSuccessAnswer?: OssSuccessAnswer;
  /** The policy's content-length-range maximum, enforced on PostObject; 5 GiB by default. */
  maxObjectBytes?: number;
  /** How long a ticket's policy / pre-signed URL stays valid; 15 minutes by default. */
  ticketTtlMs?: number;
}

export type ImFileFault =
  /** The connection is destroyed: mid-body for an upload, before any answer for a ticket. */
  | { kind: 'reset' }
  /** That status and a short body (or `body`); the upload, if any, is drained and not stored. */
  | { kind: 'http-status'; status: number; body?: string; retryAfterSeconds?: number }
  /**
   * HTTP 200 with a truncated JSON body. From the IM server: no ticket. From the storage: the object is
   * stored first, as any store that answers 2xx has done.
   */
  | { kind: 'malformed-json' }
  /** Storage only: the object is stored, then this answer (one Ferry has never seen) is sent instead. */
  | { kind: 'stored-answer'; status: number; body?: string; contentType?: string }
  /** An HTTP 200 envelope with this `code` (10009 storage error, 402 token expired, ...). */
  | { kind: 'business-error'; code: number; message?: string }
  /** The storage calls the ticket expired (403 AccessDenied "Policy expired."). */
  | { kind: 'ticket-expired' }
  /** The answer is held back for `ms`; an upload is stored first, as a real server would have. */
  | { kind: 'stall'; ms: number }
  /** Storage only: the upload's body stops being read part-way until the test releases the hold. */
  | { kind: 'hold'; hold: BodyHold };

export type FaultEndpoint = 'ticket' | 'storage';

export interface ImFileEmulatorStats {
  /** Requests to the ticket endpoints (chat, avatars, forward), whatever their outcome. */
  ticketRequests: number;
  /** Upload requests to the storage (POST or PUT), whatever their outcome. */
  uploadPosts: number;
  /** Raw request-body bytes of those uploads, multipart framing included. */
  bodyBytesReceived: number;
  /** Uploads that created a new object; a repeat to the same key replaces it and is not counted. */
  objectsCreated: number;
}

export interface ImFileEmulator {
  readonly baseUrl: string;
  readonly credentials: ImFileCredentials;
  /**
   * Queue a fault for the next request(s) of one endpoint, FIFO. The endpoint defaults to `ticket`
   * for business errors and `storage` for the rest; `afterRequests` lets that many through first.
   */
  injectFault(fault: ImFileFault, options?: { endpoint?: FaultEndpoint; afterRequests?: number }): void;
  clearFaults(): number;
  /** From now on the IM server answers 402 to this token (the access token by default). */
  expireAccessToken(token?: string): void;
  /** Every ticket issued so far expires now. */
  expireTickets(): void;
  setStorageVariant(variant: StorageVariant): void;
  setOssSuccessAnswer(answer: OssSuccessAnswer): void;
  /** For tickets issued from now on: their policy's content-length-range maximum. */
  setMaxObjectBytes(bytes: number): void;
  setTicketTtlMs(ms: number): void;
  stats(): ImFileEmulatorStats;
  listObjects(): StoredObject[];
  close(): Promise<void>;
}

/** The envelope codes of the IM file API (docs/providers.md#im-file-api). */
export const IM_CODES = {
  ok: 200,
  tokenExpired: 402,
  badParameter: 10002,
  missingToken: 10003,
  invalidToken: 10008,
  storageError: 10009,
  unknownAppId: 40000,
} as const;

const chatFileTypes = new Set([100, 101, 102, 103, 104, 200, 201, 202, 203]);
const defaultTicketTtlMs = 15 * 60 * 1000;
const defaultMaxObjectBytes = 5 * 1024 ** 3;
const selfHostedPath = '/file/self-hosted/upload';

interface IssuedTicket {
  facts: ObjectFacts;
  variant: StorageVariant;
  expiresAt: number;
  /** OSS: the exact policy, signature and callback handed out. Self-hosted: the form token. */
  policy?: string;
  callback?: string;
  token?: string;
  /** OSS: the policy's content-length-range maximum. */
  maxBytes?: number;
}

/**
 * A loopback emulator of the IM file API (docs/providers.md#im-file-api): the IM server's ticket, forward and
 * download endpoints (envelopes with business codes in HTTP 200) and, on the same port, the object storage
 * those tickets point at (OSS PostObject checks, file streamed to disk, the callback's answer).
 */
export async function startImFileEmulator(options: ImFileEmulatorOptions): Promise<ImFileEmulator> {
  const store = await ImFileStore.open(options.storageDir);
  const credentials = options.credentials ?? {
    appId: `ferry${randomBytes(4).toString('hex')}`,
    accessToken: randomBytes(24).toString('base64url'),
  };
  const ossKeyId = `LTAI${randomBytes(8).toString('hex')}`;
  const ossSecret = randomBytes(24).toString('base64');
  const expiredTokens = new Set<string>();
  const tickets = new Map<string, IssuedTicket>();
  const faults: Record<FaultEndpoint, FaultQueue<ImFileFault>> = {
    ticket: new FaultQueue(),
    storage: new FaultQueue(),
  };
  const counters: ImFileEmulatorStats = {
    ticketRequests: 0,
    uploadPosts: 0,
    bodyBytesReceived: 0,
    objectsCreated: 0,
  };
  let variant: StorageVariant = options.storageVariant ?? 'oss';
  let successAnswer: OssSuccessAnswer = options.ossSuccessAnswer ?? 'callback';
  let maxObjectBytes = options.maxObjectBytes ?? defaultMaxObjectBytes;
  let ticketTtlMs = options.ticketTtlMs ?? defaultTicketTtlMs;
  const closing = new AbortController();
  let baseUrl = '';

  // ---------- IM server ----------

  /** The IM server's auth: headers, or (downloads only) the same names in the query. */
  function authFailure(request: IncomingMessage, query?: URLSearchParams): [number, string] | undefined {
    const value = (name: string) => {
      const header = request.headers[name];
      const text = Array.isArray(header) ? header[0] : header;
      return text || query?.get(name) || '';
    };
    const token = value('access-token');
    const appId = value('app_id');
    if (token === '') return [IM_CODES.missingToken, 'access-token is required'];
    if (appId !== credentials.appId) return [IM_CODES.unknownAppId, `unknown app_id: ${appId}`];
    if (expiredTokens.has(token)) return [IM_CODES.tokenExpired, 'token expired, please log in again'];
    if (token !== credentials.accessToken) return [IM_CODES.invalidToken, 'invalid access-token'];
    return undefined;
  }

  function actAsOf(request: IncomingMessage): ObjectFacts['actAs'] {
    const userId = request.headers['user_id'];
    const groupId = request.headers['group_id'];
    return {
      ...(typeof userId === 'string' && userId ? { userId } : {}),
      ...(typeof groupId === 'string' && groupId ? { groupId } : {}),
    };
  }

  async function handleTicket(url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    request.resume();
    counters.ticketRequests++;
    const fault = faults.ticket.next();
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'stall') {
      await delay(fault.ms, undefined, { signal: closing.signal }).catch(() => undefined);
      if (closing.signal.aborted) return;
    }
    if (fault !== undefined && fault.kind !== 'stall' && fault.kind !== 'ticket-expired') {
      return sendFault(response, fault);
    }
    const auth = authFailure(request);
    if (auth) return sendEnvelope(response, auth[0], auth[1]);
    const query = url.searchParams;
    const actAs = actAsOf(request);

    if (url.pathname === '/file/upload/forward') {
      const object = store.byFileSign(query.get('file_sign') ?? '');
      const toId = query.get('to_id') ?? '';
      const toType = Number(query.get('to_type'));
      if (!object) return sendEnvelope(response, IM_CODES.badParameter, 'file_sign not found');
      if (toId === '' || (toType !== 1 && toType !== 2)) {
        return sendEnvelope(response, IM_CODES.badParameter, 'to_id and to_type (1 or 2) are required');
      }
      const fileSign = newFileSign();
      await store.addForward(object.key, { fileSign, toId, toType });
      return sendEnvelope(response, IM_CODES.ok, null, chatDownloadUrl(fileSign));
    }

    let facts: ObjectFacts;
    const id = randomUUID();
    if (url.pathname === '/file/upload/chat') {
      const fileType = Number(query.get('file_type'));
      const toId = query.get('to_id') ?? '';
      const toType = Number(query.get('to_type'));
      if (!chatFileTypes.has(fileType)) {
        return sendEnvelope(response, IM_CODES.badParameter, `invalid file_type: ${query.get('file_type')}`);
      }
      if (toId === '' || (toType !== 1 && toType !== 2)) {
        return sendEnvelope(response, IM_CODES.badParameter, 'to_id and to_type (1 or 2) are required');
      }
      facts = {
        key: `chat/${credentials.appId}/${toType === 1 ? 'user' : 'group'}/${toId}/${id}`,
        fileSign: newFileSign(),
        kind: 'chat',
        fileType,
        toId,
        toType,
        actAs,
        fileName: '',
        contentType: '',
      };
    } else if (url.pathname === '/file/upload/avatar/user') {
      const owner = actAs.userId ?? 'self';
      facts = {
        key: `avatar/user/${credentials.appId}/${owner}/${id}`,
        kind: 'user-avatar',
        actAs,
        fileName: '',
        contentType: '',
      };
    } else {
      const groupId = query.get('group_id') ?? '';
      if (groupId === '') return sendEnvelope(response, IM_CODES.badParameter, 'group_id is required');
      facts = {
        key: `avatar/group/${credentials.appId}/${groupId}/${id}`,
        kind: 'group-avatar',
        toId: groupId,
        actAs,
        fileName: '',
        contentType: '',
      };
    }
    return sendEnvelope(response, IM_CODES.ok, null, issueTicket(facts));
  }

  function issueTicket(facts: ObjectFacts) {
    const expiresAt = Date.now() + ticketTtlMs;
    const downloadUrl = facts.fileSign
      ? chatDownloadUrl(facts.fileSign)
      : `${baseUrl}/file/download/avatar?object_name=${encodeURIComponent(facts.key)}`;
    if (variant === 'self-hosted') {
      const token = randomBytes(16).toString('hex');
      tickets.set(`token:${token}`, { facts, variant, expiresAt, token });
      return {
        upload_url: `${baseUrl}${selfHostedPath}`,
        download_url: downloadUrl,
        oss_body_param: { token },
      };
    }
    if (variant === 'put') {
      tickets.set(facts.key, { facts, variant, expiresAt });
      return {
        upload_url: presignedUrl(baseUrl, 'PUT', facts.key, ossKeyId, ossSecret, expiresAt),
        download_url: downloadUrl,
        oss_body_param: {},
        upload_method: 'PUT',
      };
    }
    const status = successAnswer === 'callback' || successAnswer === 204 ? undefined : String(successAnswer);
    const policy = encodePolicy(facts.key, expiresAt, maxObjectBytes, status);
    const callback =
      successAnswer === 'callback'
        ? Buffer.from(
            JSON.stringify({
              callbackUrl: `${baseUrl}/file/upload/callback`,
              callbackBody: 'bucket=${bucket}&object=${object}&size=${size}&mimeType=${mimeType}',
              callbackBodyType: 'application/x-www-form-urlencoded',
            }),
          ).toString('base64')
        : undefined;
    tickets.set(facts.key, { facts, variant, expiresAt, policy, callback, maxBytes: maxObjectBytes });
    return {
      upload_url: `${baseUrl}/oss/`,
      download_url: downloadUrl,
      oss_body_param: {
        OSSAccessKeyId: ossKeyId,
        policy,
        signature: sign(ossSecret, policy),
        ...(callback !== undefined ? { callback } : {}),
        ...(status !== undefined ? { success_action_status: status } : {}),
        key: facts.key,
      },
    };
  }

  function chatDownloadUrl(fileSign: string): string {
    return `${baseUrl}/file/download/chat?file_sign=${encodeURIComponent(fileSign)}`;
  }

  function handleImDownload(url: URL, request: IncomingMessage, response: ServerResponse): void {
    request.resume();
    const query = url.searchParams;
    const auth = authFailure(request, query);
    if (auth) return sendEnvelope(response, auth[0], auth[1]);
    const imageType = query.get('image_type');
    if (imageType !== null && !['1', '2', '3'].includes(imageType)) {
      return sendEnvelope(response, IM_CODES.badParameter, `invalid image_type: ${imageType}`);
    }
    const format = query.get('format');
    if (format !== null && format !== 'amr' && format !== 'mp3') {
      return sendEnvelope(response, IM_CODES.badParameter, `invalid format: ${format}`);
    }
    const object =
      url.pathname === '/file/download/chat'
        ? store.byFileSign(query.get('file_sign') ?? '')
        : store.byKey(query.get('object_name') ?? '');
    if (!object) return sendEnvelope(response, IM_CODES.badParameter, 'file not found');
    // The emulator keeps no thumbnails or transcodes: every image_type / format is the original.
    response.writeHead(302, {
      Location: presignedUrl(baseUrl, 'GET', object.key, ossKeyId, ossSecret, Date.now() + 10 * 60_000),
      'Content-Length': '0',
    });
    response.end();
  }

  // ---------- object storage ----------

  /** PostObject: policy fields first, then `file`; field names compare case-insensitively. */
  async function handlePostObject(
    selfHosted: boolean,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    const fault = await beginUpload(request, response);
    if (fault === 'handled') return;
    const fail = (status: number, code: string, message: string) =>
      selfHosted
        ? sendEnvelope(response, IM_CODES.badParameter, `${code}: ${message}`, null, status)
        : sendXml(response, status, ossErrorXml(code, message, requestId));

    if (request.headers['content-length'] === undefined) {
      await drainRequest(request, countBytes);
      return fail(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
    if (!/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
      await drainRequest(request, countBytes);
      return fail(400, 'InvalidArgument', 'the body must be multipart/form-data');
    }

    const fields = new Map<string, string>();
    let ticket: IssuedTicket | undefined;
    let rejection: [number, string, string] | undefined;
    let fileSeen = false;
    let fieldAfterFile = false;
    let fileInfo = { name: '', type: '' };
    let receiving: Promise<ReceivedFile> | undefined;

    const check = (): [number, string, string] | undefined => {
      if (selfHosted) {
        ticket = tickets.get(`token:${fields.get('token') ?? ''}`);
        if (!ticket) return [403, 'AccessDenied', 'unknown upload token'];
        return ticket.expiresAt <= Date.now() ? [403, 'AccessDenied', 'upload token expired'] : undefined;
      }
      const key = fields.get('key');
      if (!key) return [400, 'InvalidArgument', 'key is required'];
      if (fields.get('ossaccesskeyid') !== ossKeyId) {
        return [
          403,
          'InvalidAccessKeyId',
          'The OSS Access Key Id you provided does not exist in our records.',
        ];
      }
      const policy = fields.get('policy') ?? '';
      if (!signatureMatches(ossSecret, policy, fields.get('signature') ?? '')) {
        return [
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided.',
        ];
      }
      ticket = tickets.get(key);
      if (!ticket || ticket.variant !== 'oss' || ticket.policy !== policy) {
        return [403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$key"]'];
      }
      if (ticket.expiresAt <= Date.now()) {
        return [403, 'AccessDenied', 'Invalid according to Policy: Policy expired.'];
      }
      if (ticket.callback !== undefined && fields.get('callback') !== ticket.callback) {
        return [400, 'InvalidArgument', 'The callback parameter does not match the policy.'];
      }
      if (ticket.callback === undefined && fields.get('callback') !== undefined) {
        return [400, 'InvalidArgument', 'The callback parameter does not match the policy.'];
      }
      return undefined;
    };

    const parser = busboy({ headers: request.headers, limits: { fields: 64, fieldSize: 64 * 1024 } });
    parser.on('field', (name, value) => {
      if (fileSeen) fieldAfterFile = true;
      else fields.set(name.toLowerCase(), value);
    });
    parser.on('file', (name, stream: Readable, info) => {
      if (fileSeen || name.toLowerCase() !== 'file') {
        rejection ??= [400, 'InvalidArgument', `unexpected file field "${name}"`];
        stream.resume();
        return;
      }
      fileSeen = true;
      fileInfo = { name: info.filename ?? '', type: info.mimeType };
      rejection ??= check();
      if (rejection) {
        stream.resume();
        return;
      }
      receiving = store.receive(stream);
      receiving.catch(() => undefined); // awaited below; an abort must not become an unhandled rejection
    });

    try {
      await new Promise<void>((resolve, reject) => {
        parser.once('close', resolve);
        parser.once('error', reject);
        // pipeline, not pipe: a client that goes away mid-body destroys the parser, which destroys the
        // file stream, so the half-written temp file is discarded instead of waiting forever.
        pipeline(request, byteCounter(), parser).catch(reject);
      });
    } catch {
      if (receiving) await receiving.then((r) => store.discard(r.tempPath)).catch(() => undefined);
      if (!response.headersSent && !request.socket.destroyed)
        fail(
          400,
          'MalformedPOSTRequest',
          'The body of your POST request is not well-formed multipart/form-data.',
        );
      return;
    }
    let received: ReceivedFile | undefined;
    try {
      received = receiving ? await receiving : undefined;
    } catch {
      return; // the upload broke off mid-file; nothing is stored
    }
    const problem: [number, string, string] | undefined =
      rejection ??
      (fileSeen ? undefined : [400, 'InvalidArgument', 'the form has no "file" field']) ??
      (fieldAfterFile
        ? [400, 'InvalidArgument', 'the "file" field must be the last field of the form']
        : undefined);
    // OSS reads the whole body and then holds it against the policy's content-length-range.
    const tooLarge: [number, string, string] | undefined =
      received && ticket?.maxBytes !== undefined && received.size > ticket.maxBytes
        ? [400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.']
        : undefined;
    if (problem || tooLarge || !received || !ticket) {
      if (received) await store.discard(received.tempPath);
      const [status, code, message] = problem ?? tooLarge ?? [500, 'InternalError', 'nothing received'];
      return fail(status, code, message);
    }
    const issued = ticket;
    await finishUpload(received, issued, fileInfo, fault, response, () =>
      selfHosted
        ? sendJson(response, 200, { data: true })
        : answerPostObject(response, issued, fields, received, requestId),
    );
  }

  async function handlePutObject(
    key: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const requestId = randomBytes(12).toString('hex').toUpperCase();
    const fault = await beginUpload(request, response);
    if (fault === 'handled') return;
    const fail = async (status: number, code: string, message: string) => {
      await drainRequest(request, countBytes);
      sendXml(response, status, ossErrorXml(code, message, requestId));
    };
    if (request.headers['content-length'] === undefined) {
      return fail(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
    const check = checkPresigned(url.searchParams, 'PUT', key, ossKeyId, ossSecret);
    const ticket = tickets.get(key);
    if (check === 'bad-signature' || !ticket || ticket.variant !== 'put') {
      return fail(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (check === 'expired' || ticket.expiresAt <= Date.now()) {
      return fail(403, 'AccessDenied', 'Request has expired.');
    }
    let received: ReceivedFile;
    try {
      received = await store.receive(request, countBytes);
    } catch {
      return;
    }
    const info = { name: '', type: request.headers['content-type'] ?? 'application/octet-stream' };
    await finishUpload(received, ticket, info, fault, response, () => {
      response.writeHead(200, { ETag: `"${received.sha256.slice(0, 32)}"`, 'Content-Length': '0' });
      response.end();
    });
  }

  /** Counts the upload and applies a storage fault that answers without storing. */
  async function beginUpload(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<ImFileFault | undefined | 'handled'> {
    counters.uploadPosts++;
    const fault = faults.storage.next();
    // These answer only after the object is stored (finishUpload).
    if (
      fault === undefined ||
      fault.kind === 'stall' ||
      fault.kind === 'malformed-json' ||
      fault.kind === 'stored-answer'
    )
      return fault;
    if (fault.kind === 'hold') {
      holdRequestBody(request, fault.hold);
      return undefined;
    }
    if (fault.kind === 'reset') {
      await resetMidBody(request, countBytes);
      return 'handled';
    }
    // A real server reads the whole body before it answers; the client sees the answer, not EPIPE.
    await drainRequest(request, countBytes);
    if (fault.kind === 'ticket-expired') {
      sendXml(
        response,
        403,
        ossErrorXml('AccessDenied', 'Invalid according to Policy: Policy expired.', randomUUID()),
      );
    } else {
      sendFault(response, fault);
    }
    return 'handled';
  }

  /** Counts request-body bytes as the one consumer of the body reads them (no extra 'data' listener). */
  function countBytes(chunk: Buffer): void {
    counters.bodyBytesReceived += chunk.length;
  }

  function byteCounter(): Transform {
    return new Transform({
      transform(chunk: Buffer, _encoding, done) {
        countBytes(chunk);
        done(null, chunk);
      },
    });
  }

  async function finishUpload(
    received: ReceivedFile,
    ticket: IssuedTicket,
    fileInfo: { name: string; type: string },
    fault: ImFileFault | undefined,
    response: ServerResponse,
    answer: () => void,
  ): Promise<void> {
    const { created } = await store.commit(received, {
      ...ticket.facts,
      fileName: fileInfo.name,
      contentType: fileInfo.type,
    });
    if (created) counters.objectsCreated++;
    if (fault?.kind === 'stall') {
      await delay(fault.ms, undefined, { signal: closing.signal }).catch(() => undefined);
      if (closing.signal.aborted || response.destroyed) return;
    }
    if (fault?.kind === 'malformed-json') return sendFault(response, fault);
    if (fault?.kind === 'stored-answer') {
      return sendRaw(
        response,
        fault.status,
        fault.contentType ?? 'text/plain; charset=utf-8',
        fault.body ?? '',
      );
    }
    answer();
  }

  /**
   * OSS's answer to a PostObject that stored the object: the IM server's callback relayed (OSS answers
   * 200 with the callback's JSON), else what `success_action_status` asked for.
   */
  function answerPostObject(
    response: ServerResponse,
    ticket: IssuedTicket,
    fields: ReadonlyMap<string, string>,
    received: ReceivedFile,
    requestId: string,
  ): void {
    const etag = `"${received.sha256.slice(0, 32).toUpperCase()}"`;
    if (ticket.callback !== undefined) {
      sendJson(response, 200, { Status: 'OK' });
      return;
    }
    const status = fields.get('success_action_status');
    if (status === '200') {
      response.writeHead(200, { ETag: etag, 'x-oss-request-id': requestId, 'Content-Length': '0' });
      response.end();
      return;
    }
    if (status === '201') {
      response.setHeader('ETag', etag);
      response.setHeader('x-oss-request-id', requestId);
      const key = ticket.facts.key;
      sendXml(response, 201, postResponseXml(`${baseUrl}/oss/${keyToPath(key)}`, key, etag));
      return;
    }
    response.writeHead(204, { ETag: etag, 'x-oss-request-id': requestId });
    response.end();
  }

  async function handleGetObject(
    key: string,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    request.resume();
    const check = checkPresigned(url.searchParams, 'GET', key, ossKeyId, ossSecret);
    const object = store.byKey(key);
    const requestId = randomUUID();
    if (check !== 'ok') {
      const message =
        check === 'expired'
          ? 'Request has expired.'
          : 'The request signature we calculated does not match the signature you provided.';
      return sendXml(
        response,
        403,
        ossErrorXml(check === 'expired' ? 'AccessDenied' : 'SignatureDoesNotMatch', message, requestId),
      );
    }
    if (!object)
      return sendXml(response, 404, ossErrorXml('NoSuchKey', 'The specified key does not exist.', requestId));
    response.writeHead(200, {
      'Content-Type': object.contentType || 'application/octet-stream',
      'Content-Length': String(object.size),
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    await pipeline(createReadStream(store.dataPath(key)), response);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    if (
      path === '/file/upload/chat' ||
      path === '/file/upload/avatar/user' ||
      path === '/file/upload/avatar/group' ||
      path === '/file/upload/forward'
    ) {
      if (method !== 'GET') return methodNotAllowed(request, response, 'GET');
      return handleTicket(url, request, response);
    }
    if (path === '/file/download/chat' || path === '/file/download/avatar') {
      if (method !== 'GET') return methodNotAllowed(request, response, 'GET');
      return handleImDownload(url, request, response);
    }
    if (path === selfHostedPath) {
      if (method !== 'POST') return methodNotAllowed(request, response, 'POST');
      return handlePostObject(true, request, response);
    }
    if (path === '/oss/' && method === 'POST') return handlePostObject(false, request, response);
    if (path.startsWith('/oss/') && path.length > '/oss/'.length) {
      let key: string;
      try {
        key = decodeURIComponent(path.slice('/oss/'.length));
      } catch {
        key = '';
      }
      if (method === 'PUT') return handlePutObject(key, url, request, response);
      if (method === 'GET' || method === 'HEAD') return handleGetObject(key, url, request, response);
      return methodNotAllowed(request, response, 'GET, HEAD, PUT');
    }
    request.resume();
    sendText(response, 404, 'not found');
  }

  function newFileSign(): string {
    return randomBytes(18).toString('base64url');
  }

  const server = await startLoopbackServer({
    port: options.port ?? 0,
    closing,
    handle,
    onCrash: (response, error) => sendText(response, 500, crashMessage(error)),
  });
  baseUrl = server.baseUrl;

  return {
    baseUrl,
    credentials,
    injectFault(fault, injectOptions) {
      const endpoint = injectOptions?.endpoint ?? (fault.kind === 'business-error' ? 'ticket' : 'storage');
      faults[endpoint].push(fault, injectOptions?.afterRequests);
    },
    clearFaults() {
      return faults.ticket.clear() + faults.storage.clear();
    },
    expireAccessToken(token = credentials.accessToken) {
      expiredTokens.add(token);
    },
    expireTickets() {
      const now = Date.now();
      for (const ticket of tickets.values()) ticket.expiresAt = Math.min(ticket.expiresAt, now);
    },
    setStorageVariant(next) {
      variant = next;
    },
    setOssSuccessAnswer(next) {
      successAnswer = next;
    },
    setMaxObjectBytes(bytes) {
      maxObjectBytes = bytes;
    },
    setTicketTtlMs(ms) {
      ticketTtlMs = ms;
    },
    stats() {
      return { ...counters };
    },
    listObjects() {
      return store.list();
    },
    close: () => server.close(),
  };
}

function sendFault(response: ServerResponse, fault: ImFileFault): void {
  switch (fault.kind) {
    case 'http-status':
      if (fault.retryAfterSeconds !== undefined)
        response.setHeader('Retry-After', String(fault.retryAfterSeconds));
      return sendText(response, fault.status, fault.body ?? `injected HTTP ${fault.status}`);
    case 'malformed-json':
      return sendRaw(
        response,
        200,
        'application/json; charset=utf-8',
        '{"code": 200, "message": null, "data": {',
      );
    case 'business-error':
      return sendEnvelope(response, fault.code, fault.message ?? `injected business error ${fault.code}`);
    default:
      return sendText(response, 500, `fault ${fault.kind} does not apply here`);
  }
}

function sendEnvelope(
  response: ServerResponse,
  code: number,
  message: string | null,
  data: unknown = null,
  status = 200,
): void {
  sendJson(response, status, { code, message, data });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  sendRaw(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function sendXml(response: ServerResponse, status: number, xml: string): void {
  sendRaw(response, status, 'application/xml', xml);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  sendRaw(response, status, 'text/plain; charset=utf-8', text);
}

function sendRaw(response: ServerResponse, status: number, contentType: string, text: string): void {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}

function methodNotAllowed(request: IncomingMessage, response: ServerResponse, allow: string): void {
  request.resume();
  response.setHeader('Allow', allow);
  sendText(response, 405, 'method not allowed');
}
