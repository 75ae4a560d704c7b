import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { FileStore } from '@tus/file-store';
import { EVENTS, Server as TusServer } from '@tus/server';
import { streamIntoResponse } from '../../net/server-guard.ts';
import { holdRequestBody, type BodyHold } from '../body-hold.ts';
import { FaultQueue } from '../fault-queue.ts';
import { crashMessage, drainRequest, startLoopbackServer } from '../loopback-server.ts';

// The real tus server (@tus/server with its FileStore) does the protocol; this file only wraps it in a
// node:http server of our own for what a test needs around it: an auth check, injected faults, and
// counts of what arrived. @tus/server is a devDependency and is imported nowhere else.

export interface TusCredentials {
  headerName: string;
  headerValue: string;
}

export interface TusEmulatorOptions {
  storageDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The header every tus request but OPTIONS must carry; random by default, `null` for an open server. */
  credentials?: TusCredentials | null;
  /** Tus-Max-Size: announced on OPTIONS, enforced on creation (413). None by default. */
  maxSize?: number;
  /** Unfinished uploads expire this long after creation (expiration extension); 24 h by default. */
  expirationMs?: number;
  /** Where uploads are created; `${baseUrl}${path}` is the creation URL. */
  path?: string;
  /** Answer creation with a relative Location (`/files/<id>`), as tus allows; true by default. */
  relativeLocation?: boolean;
  /**
   * A request body limit in front of the tus server, as a proxy's (nginx `client_max_body_size`,
   * Cloudflare's 100 MB): a PATCH whose Content-Length is larger is answered 413 and never reaches it.
   */
  maxBodyBytes?: number;
}

export type TusMethod = 'OPTIONS' | 'POST' | 'HEAD' | 'PATCH' | 'DELETE' | 'GET';

export type TusFault =
  /** The connection is reset once `afterBytes` of the body arrived (half of it by default); what arrived is stored. */
  | { kind: 'reset'; afterBytes?: number }
  /** That status (and body, Retry-After) instead of the tus server's answer; nothing is stored. */
  | { kind: 'http-status'; status: number; body?: string; retryAfterSeconds?: number }
  /** The request is left unread and unanswered for `ms`; then handled normally if the client is still there. */
  | { kind: 'stall'; ms: number }
  /** The tus server applies the PATCH, then the connection is reset instead of its answer (the ack is lost). */
  | { kind: 'ack-lost' }
  /**
   * The upload's expiration is moved into the past before the tus server sees the request, which then
   * answers 410 Gone itself. Stands in for an "offset rewind": a tus server never reports less than it
   * acknowledged (a 204's Upload-Offset is a promise the bytes are stored), so losing an upload's bytes
   * shows up in tus as the upload being gone (404/410), never as a smaller offset.
   */
  | { kind: 'expire' }
  /** The body stops being read part-way until the test releases the hold; then handled normally. */
  | { kind: 'hold'; hold: BodyHold };

export interface TusEmulatorStats {
  requests: Record<TusMethod, number>;
  /** Body bytes of every PATCH as they arrived off the wire: stored, refused or cut off. */
  patchBodyBytes: number;
  uploadsCreated: number;
  uploadsFinished: number;
  uploadsTerminated: number;
}

export interface TusUploadInfo {
  id: string;
  size: number | undefined;
  offset: number;
  filename: string | undefined;
  filetype: string | undefined;
  /** Every Upload-Metadata entry the client sent, decoded (a key without a value is null). */
  metadata: Record<string, string | null>;
  createdAt: string | undefined;
  /** Past its expiration: the tus server answers 410 for it and its cleanup removes it. */
  expired: boolean;
}

export interface TusEmulator {
  readonly baseUrl: string;
  /** The creation URL, e.g. http://127.0.0.1:41234/files */
  readonly endpoint: string;
  readonly credentials: TusCredentials | null;
  /**
   * Queue a fault for the next request of `method` (PATCH by default), FIFO, one request each;
   * `afterRequests` lets that many such requests through first. Faults never hit unauthenticated requests.
   */
  injectFault(fault: TusFault, options?: { method?: TusMethod; afterRequests?: number }): void;
  clearFaults(): number;
  stats(): TusEmulatorStats;
  /** Every upload the file store holds, finished or not. */
  uploads(): Promise<TusUploadInfo[]>;
  /** The tus server's own expired-upload cleanup; returns how many it removed. */
  cleanUpExpired(): Promise<number>;
  close(): Promise<void>;
}

const defaultExpirationMs = 24 * 60 * 60 * 1000;
const tusMethods: readonly TusMethod[] = ['OPTIONS', 'POST', 'HEAD', 'PATCH', 'DELETE', 'GET'];

/** A loopback tus 1.0 server (creation, termination, expiration, GET of finished uploads) with faults. */
export async function startTusEmulator(options: TusEmulatorOptions): Promise<TusEmulator> {
  const path = options.path ?? '/files';
  const credentials =
    options.credentials === undefined
      ? { headerName: 'Authorization', headerValue: `Bearer ${randomBytes(18).toString('base64url')}` }
      : options.credentials;
  const store = new FileStore({
    directory: options.storageDir,
    expirationPeriodInMilliseconds: options.expirationMs ?? defaultExpirationMs,
  });
  const tus = new TusServer({
    path,
    datastore: store,
    relativeLocation: options.relativeLocation ?? true,
    ...(options.maxSize !== undefined ? { maxSize: options.maxSize } : {}),
  });

  const counters: TusEmulatorStats = {
    requests: Object.fromEntries(tusMethods.map((method) => [method, 0])) as Record<TusMethod, number>,
    patchBodyBytes: 0,
    uploadsCreated: 0,
    uploadsFinished: 0,
    uploadsTerminated: 0,
  };
  tus.on(EVENTS.POST_CREATE, () => counters.uploadsCreated++);
  tus.on(EVENTS.POST_FINISH, () => counters.uploadsFinished++);
  tus.on(EVENTS.POST_TERMINATE, () => counters.uploadsTerminated++);

  // One queue per method: a fault aimed at PATCH waits for a PATCH, whatever HEADs come first.
  const faults = Object.fromEntries(
    tusMethods.map((method) => [method, new FaultQueue<TusFault>()]),
  ) as Record<TusMethod, FaultQueue<TusFault>>;
  const closing = new AbortController();

  const expire = async (id: string): Promise<void> => {
    const upload = await store.configstore.get(id);
    if (!upload) return;
    upload.creation_date = new Date(0).toISOString();
    await store.configstore.set(id, upload);
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase() as TusMethod;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!tusMethods.includes(method) || !(url.pathname === path || url.pathname.startsWith(`${path}/`))) {
      await drainRequest(request);
      sendText(response, 404, 'Not found\n');
      return;
    }
    counters.requests[method]++;
    if (method === 'PATCH') countBodyBytes(request, (bytes) => (counters.patchBodyBytes += bytes));

    // OPTIONS stays open (browsers send it as a CORS preflight, without credentials); GET is the
    // download link users share.
    if (credentials !== null && method !== 'OPTIONS' && method !== 'GET') {
      const given = request.headers[credentials.headerName.toLowerCase()];
      if (given !== credentials.headerValue) {
        await drainRequest(request);
        sendText(
          response,
          given === undefined ? 401 : 403,
          given === undefined ? 'Unauthorized\n' : 'Forbidden\n',
        );
        return;
      }
    }

    const declared = Number(request.headers['content-length']);
    if (method === 'PATCH' && options.maxBodyBytes !== undefined && declared > options.maxBodyBytes) {
      // Drained so that the client reads the 413 rather than a broken pipe.
      await drainRequest(request);
      sendText(response, 413, `request body exceeds ${options.maxBodyBytes} bytes\n`);
      return;
    }

    const fault = faults[method].next();
    switch (fault?.kind) {
      case 'http-status':
        await drainRequest(request);
        if (fault.retryAfterSeconds !== undefined)
          response.setHeader('Retry-After', String(fault.retryAfterSeconds));
        sendText(response, fault.status, fault.body ?? `injected HTTP ${fault.status}\n`);
        return;
      case 'stall':
        await stall(request, fault.ms, closing.signal);
        if (closing.signal.aborted || request.socket.destroyed) {
          request.socket.destroy();
          return;
        }
        break;
      case 'reset':
        resetAfterBodyBytes(request, fault.afterBytes);
        break;
      case 'ack-lost':
        loseAnswer(request, response);
        break;
      case 'expire':
        await expire(uploadIdOf(url.pathname, path));
        break;
      case 'hold':
        holdRequestBody(request, fault.hold);
        break;
      case undefined:
        break;
    }
    if (method === 'GET') return serveDownload(store, uploadIdOf(url.pathname, path), response);
    // A connection reset under the tus server (by a fault or by the client) can leave its write of the
    // answer waiting forever; the exchange is over once the response is closed either way.
    const closedResponse = new Promise<void>((resolve) => response.once('close', resolve));
    const handled = tus.handle(request, response);
    handled.catch(() => undefined); // after the race is decided, a late failure has nobody to tell
    await Promise.race([handled, closedResponse]);
  }

  const server = await startLoopbackServer({
    port: options.port ?? 0,
    closing,
    handle,
    onCrash: (response, error) => sendText(response, 500, `${crashMessage(error)}\n`),
  });
  const baseUrl = server.baseUrl;

  return {
    baseUrl,
    endpoint: `${baseUrl}${path}`,
    credentials,
    injectFault(fault, faultOptions) {
      faults[faultOptions?.method ?? 'PATCH'].push(checkReset(fault), faultOptions?.afterRequests);
    },
    clearFaults() {
      return tusMethods.reduce((cleared, method) => cleared + faults[method].clear(), 0);
    },
    stats() {
      return { ...counters, requests: { ...counters.requests } };
    },
    async uploads() {
      const ids = (await store.configstore.list?.()) ?? [];
      const now = Date.now();
      const infos = await Promise.all(
        ids.map(async (id): Promise<TusUploadInfo | undefined> => {
          const upload = await store.getUpload(id).catch(() => undefined);
          if (!upload) return undefined;
          const created = upload.creation_date ? Date.parse(upload.creation_date) : now;
          return {
            id,
            size: upload.size,
            offset: upload.offset,
            filename: upload.metadata?.filename ?? undefined,
            filetype: upload.metadata?.filetype ?? undefined,
            metadata: { ...upload.metadata },
            createdAt: upload.creation_date,
            expired: store.getExpiration() > 0 && now > created + store.getExpiration(),
          };
        }),
      );
      return infos.filter((info): info is TusUploadInfo => info !== undefined);
    },
    cleanUpExpired() {
      return tus.cleanUpExpiredUploads();
    },
    close: () => server.close(),
  };
}

function uploadIdOf(pathname: string, base: string): string {
  try {
    return decodeURIComponent(pathname.slice(base.length + 1));
  } catch {
    return '';
  }
}

/** Types a browser may show inline; anything else is a download (the rule @tus/server 2.4.5 applies). */
const inlineTypes = new Set([
  'text/plain',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/bmp',
  'image/webp',
  'audio/wave',
  'audio/wav',
  'audio/x-wav',
  'audio/x-pn-wav',
  'audio/webm',
  'audio/ogg',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'application/ogg',
]);

/**
 * GET of a finished upload, served here rather than by @tus/server 2.4.5, whose answer is a web
 * Response over the file stream: a client that hangs up just as the body ends makes it close an
 * already-closed ReadableStream, an exception no request handler can catch, and the process exits.
 * Its GET also fails (HTTP 500) for a filename outside Latin-1, such as 报告.pdf, which goes here in
 * RFC 6266's `filename*`. Headers otherwise as the tus server sends them.
 */
async function serveDownload(store: FileStore, id: string, response: ServerResponse): Promise<void> {
  // Upload ids are the tus server's random hex; nothing else may reach the file store's paths.
  const upload = /^[\w-]+$/.test(id) ? await store.getUpload(id).catch(() => undefined) : undefined;
  if (!upload || upload.offset !== upload.size) {
    sendText(response, 404, 'The file for this url was not found\n');
    return;
  }
  const filetype = upload.metadata?.filetype ?? '';
  const contentType = /^[\w.+-]+\/[\w.+-]+$/.test(filetype) ? filetype : 'application/octet-stream';
  let disposition = inlineTypes.has(contentType) ? 'inline' : 'attachment';
  const filename = upload.metadata?.filename;
  if (filename) {
    const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    disposition += `; filename="${fallback}"`;
    if (fallback !== filename) disposition += `; filename*=UTF-8''${encodeURIComponent(filename)}`;
  }
  response.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': String(upload.offset),
    'Content-Disposition': disposition,
  });
  await streamIntoResponse(() => store.read(id), response);
}

/**
 * Count body bytes as node's HTTP parser hands them to the request stream, without reading the stream
 * ourselves (the tus server must get every byte, and may choose not to read at all).
 */
function countBodyBytes(request: IncomingMessage, count: (bytes: number) => void): void {
  const push = request.push.bind(request);
  request.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk instanceof Uint8Array) count(chunk.byteLength);
    return push(chunk, encoding);
  };
}

function resetAfterBodyBytes(request: IncomingMessage, afterBytes: number | undefined): void {
  const declared = Number(request.headers['content-length']);
  const limit = afterBytes ?? (Number.isFinite(declared) && declared > 1 ? Math.floor(declared / 2) : 1);
  let seen = 0;
  let reset = false;
  const push = request.push.bind(request);
  request.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk instanceof Uint8Array) seen += chunk.byteLength;
    const accepted = push(chunk, encoding);
    if (!reset && (seen >= limit || chunk === null)) {
      reset = true;
      // Outside the parser's callback: a TCP RST, as a crashed proxy or a dropped link looks to the client.
      setImmediate(() => request.socket.resetAndDestroy());
    }
    return accepted;
  };
}

/** Let the tus server store the PATCH, then reset the connection where its answer would go. */
function loseAnswer(request: IncomingMessage, response: ServerResponse): void {
  response.writeHead = ((..._args: unknown[]) => {
    request.socket.resetAndDestroy();
    return response;
  }) as ServerResponse['writeHead'];
}

/** Wait `ms` without reading the request, or less if the client hangs up or the emulator closes. */
async function stall(request: IncomingMessage, ms: number, closing: AbortSignal): Promise<void> {
  const gone = new AbortController();
  const hangUp = () => gone.abort();
  request.socket.once('close', hangUp);
  try {
    await delay(ms, undefined, { signal: AbortSignal.any([closing, gone.signal]) }).catch(() => undefined);
  } finally {
    request.socket.off('close', hangUp);
  }
}

function sendText(response: ServerResponse, status: number, text: string): void {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, {
    'Tus-Resumable': '1.0.0',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  response.end(text);
}

/** The check the shared queue cannot make: a reset needs at least one byte to come after. */
function checkReset(fault: TusFault): TusFault {
  if (fault.kind === 'reset' && fault.afterBytes !== undefined && !(fault.afterBytes >= 1)) {
    throw new RangeError('reset afterBytes must be at least 1');
  }
  return fault;
}
