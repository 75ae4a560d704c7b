import { randomUUID } from 'node:crypto';
import type { Got, Response } from 'got';
import { z } from 'zod';
import { tusCatalog } from '../../../shared/catalog/tus.ts';
import { httpStatusFailure, requestFailure } from '../../net/http-failure.ts';
import { UploadError } from '../../net/upload-error.ts';
import { parseAccountConfig } from '../account-config.ts';
import { fileBody } from '../file-body.ts';
import type { LocalFile, Provider, StepContext, StepResult } from '../provider.ts';
import {
  byteCountHeader,
  encodeMetadata,
  headerNamePattern,
  listHeader,
  offsetContentType,
  tusVersion,
  uploadIdOf,
  withTrailingSlash,
} from './tus-protocol.ts';

/**
 * One PATCH per chunk: each acknowledged chunk is a commit point in the journal. 64 MiB because tus
 * servers keep the bytes of an interrupted PATCH (HEAD says how many), so a crash re-sends little
 * anyway, while every PATCH costs the server a metadata update: at 8 MiB chunks Ferry ran at about
 * half the speed of one plain PATCH against @tus/server, at 64 MiB close to it (npm run bench).
 */
export const defaultChunkSize = 64 * 1024 * 1024;
const minChunkSize = 1024;
/** How often one task may find its upload gone (expired, terminated) and start over before giving up. */
const maxRecreations = 3;

/** Optional form fields arrive as '' when left empty: treat that as absent so defaults apply. */
const blankAsAbsent = (value: unknown) => (value === '' ? undefined : value);

export const tusConfigSchema = z.object({
  /** The creation URL (tus `POST` target), e.g. https://tus.example.com/files/. */
  endpoint: z.url({ protocol: /^https?$/ }),
  chunkSize: z.preprocess(
    blankAsAbsent,
    z.coerce.number().int().min(minChunkSize).max(Number.MAX_SAFE_INTEGER).default(defaultChunkSize),
  ),
  authHeaderName: z.preprocess(
    blankAsAbsent,
    z.string().regex(headerNamePattern, 'not an HTTP header name').default('Authorization'),
  ),
  /** e.g. https://cdn.example.com/{id}; `{id}` is the upload's id, `{name}` the file name (URL-encoded). */
  publicUrlTemplate: z.preprocess(
    blankAsAbsent,
    z.string().includes('{id}', { message: 'must contain {id}' }).optional(),
  ),
});
export type TusConfig = z.infer<typeof tusConfigSchema>;

export const tusSessionSchema = z.object({
  /** The upload's URL (creation's Location, resolved); null until a creation has answered. */
  uploadUrl: z.url().nullable(),
  /** The offset the server last acknowledged for this upload. */
  offset: z.number().int().nonnegative(),
  /** Uploads this task has had to create anew because the server had lost the previous one. */
  recreated: z.number().int().nonnegative(),
  /**
   * Sent as `ferryUploadId` in every creation of this task's uploads. When a creation's answer is
   * lost, the URL of the upload it made is unknowable to the client (tus has no lookup), so Ferry
   * cannot terminate it; the id lets the server's side tell that empty upload for a duplicate of
   * the task's finished one. Sessions journaled before it existed get one on the way in.
   */
  creationId: z.uuid().default(() => randomUUID()),
  /** Set when the server refused a chunk as too large (413): the size every later chunk is sent at. */
  chunkSize: z.number().int().min(minChunkSize).optional(),
});
export type TusSession = z.infer<typeof tusSessionSchema>;

type TusContext = Omit<StepContext<TusConfig>, 'onBytesSent'>;

/**
 * A map of this service's own: keyed by its got instance, so a new service (a restart) starts empty,
 * and let go with it.
 */
function perService<V>(): (http: Got) => Map<string, V> {
  const maps = new WeakMap<Got, Map<string, V>>();
  return (http) => {
    let map = maps.get(http);
    if (!map) maps.set(http, (map = new Map()));
    return map;
  };
}

/**
 * Where each upload stands on the server, as this service last saw the server say it (HEAD, PATCH or
 * creation answer) with nothing failing since. A session whose offset is not vouched for here — read
 * back from the journal after a restart or a pause, or after a PATCH that failed in any way — asks
 * the server with HEAD before sending bytes, so no acknowledged chunk is sent twice.
 */
const confirmedOffsets = perService<number>();

/**
 * The chunk size each account's endpoint last took after refusing a larger one (413): the next file
 * to that endpoint starts there instead of being refused again.
 */
const takenChunkSizes = perService<number>();

/** This file's next chunk: the account's size, lowered to what a 413 left the file or the endpoint at. */
function chunkSizeOf(ctx: TusContext, session: TusSession): number {
  const taken = takenChunkSizes(ctx.http).get(ctx.config.endpoint);
  return Math.min(ctx.config.chunkSize, session.chunkSize ?? Infinity, taken ?? Infinity);
}

function headersFor(ctx: TusContext, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { 'tus-resumable': tusVersion, ...extra };
  const authValue = ctx.secrets.authHeaderValue;
  if (authValue) headers[ctx.config.authHeaderName.toLowerCase()] = authValue;
  return headers;
}

async function send(
  ctx: TusContext,
  method: 'OPTIONS' | 'HEAD' | 'POST' | 'DELETE',
  url: string,
  headers: Record<string, string>,
): Promise<Response<string>> {
  try {
    return await ctx.http(url, {
      method,
      headers,
      signal: ctx.signal,
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
  } catch (error) {
    throw requestFailure(error, ctx.signal);
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A status the adapter has no special rule for: credentials, lock contention, or the generic mapping. */
function statusFailure(response: Response<string>): UploadError {
  const status = response.statusCode;
  const providerMessage = response.body.trim().slice(0, 200) || undefined;
  if (status === 401 || status === 403) {
    return new UploadError(
      {
        code: 'credentials-rejected',
        message: `The tus server refused the account's credentials (HTTP ${status})${providerMessage ? `: ${providerMessage}` : ''}`,
        providerCode: String(status),
        providerMessage,
      },
      { retryable: false },
    );
  }
  const failure = httpStatusFailure(status, response.body, single(response.headers['retry-after']));
  // 423 Locked: tusd's answer while a previous request (one we gave up on) still holds the upload.
  if (status === 423) return new UploadError(failure.view, { retryable: true });
  return failure;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function malformed(detail: string, retryable: boolean): UploadError {
  return new UploadError(
    { code: 'malformed-response', message: `The tus server sent an answer Ferry cannot use: ${detail}` },
    { retryable },
  );
}

function tooLarge(size: number, maxSize: number | undefined, providerMessage?: string): UploadError {
  return new UploadError(
    {
      code: 'file-too-large',
      message:
        maxSize === undefined
          ? `The tus server refused a ${size}-byte file as too large.`
          : `The file (${size} bytes) is larger than the tus server accepts (Tus-Max-Size ${maxSize}).`,
      providerCode: '413',
      providerMessage,
    },
    { retryable: false },
  );
}

/**
 * OPTIONS (tus core): what the server supports. Returns Tus-Max-Size when it states one. A server that
 * does not answer OPTIONS at all (404, 405) is not fatal for uploading: creation will tell.
 */
async function discover(
  ctx: TusContext,
): Promise<{ maxSize: number | undefined; answered: boolean; extensions: string[] | undefined }> {
  const response = await send(ctx, 'OPTIONS', ctx.config.endpoint, headersFor(ctx));
  const status = response.statusCode;
  if (!isSuccess(status)) {
    if (status === 401 || status === 403 || status === 408 || status === 429 || status >= 500)
      throw statusFailure(response);
    return { maxSize: undefined, answered: false, extensions: undefined };
  }
  const versions = listHeader(response.headers['tus-version']);
  if (versions.length > 0 && !versions.includes(tusVersion)) {
    throw new UploadError(
      {
        code: 'provider-rejected',
        message: `The server speaks tus ${versions.join(', ')}, not ${tusVersion}.`,
        providerMessage: versions.join(','),
      },
      { retryable: false },
    );
  }
  const maxSize = byteCountHeader('Tus-Max-Size', response.headers['tus-max-size']);
  const extensions =
    response.headers['tus-extension'] === undefined
      ? undefined
      : listHeader(response.headers['tus-extension']);
  return { maxSize: maxSize instanceof Error ? undefined : maxSize, answered: true, extensions };
}

function progress(session: TusSession, offset: number): StepResult<TusSession> {
  return { kind: 'progress', session: { ...session, offset }, committedBytes: offset };
}

function finished(
  ctx: TusContext,
  file: LocalFile,
  session: TusSession,
  uploadUrl: string,
): StepResult<TusSession> {
  confirmedOffsets(ctx.http).delete(uploadUrl);
  const id = uploadIdOf(uploadUrl);
  const template = ctx.config.publicUrlTemplate;
  const url =
    template === undefined
      ? uploadUrl
      : template
          .replaceAll('{id}', encodeURIComponent(id))
          .replaceAll('{name}', encodeURIComponent(file.remoteName ?? file.name));
  return {
    kind: 'done',
    session: { ...session, uploadUrl, offset: file.size },
    result: {
      remoteId: id,
      links: [{ kind: 'download', url, size: file.size }],
      details: { uploadUrl },
    },
  };
}

/** The server now stands at `offset` for this upload: remember that, and finish when it is all there. */
function reached(
  ctx: TusContext,
  file: LocalFile,
  session: TusSession,
  uploadUrl: string,
  offset: number,
): StepResult<TusSession> {
  if (offset === file.size) return finished(ctx, file, session, uploadUrl);
  confirmedOffsets(ctx.http).set(uploadUrl, offset);
  return progress({ ...session, uploadUrl }, offset);
}

/** Creation (tus creation extension): POST with Upload-Length and Upload-Metadata; the Location is the session. */
async function create(
  ctx: TusContext,
  file: LocalFile,
  session: TusSession,
): Promise<StepResult<TusSession>> {
  const { maxSize } = await discover(ctx);
  // Checked before any byte goes out: a 2 GiB file should not travel just to be told 413.
  if (maxSize !== undefined && maxSize > 0 && file.size > maxSize) throw tooLarge(file.size, maxSize);

  const response = await send(
    ctx,
    'POST',
    ctx.config.endpoint,
    headersFor(ctx, {
      'upload-length': String(file.size),
      'upload-metadata': encodeMetadata({
        filename: file.remoteName ?? file.name,
        filetype: file.mimeType,
        ferryUploadId: session.creationId,
      }),
      'content-length': '0',
    }),
  );
  if (response.statusCode === 413) {
    const stated = byteCountHeader('Tus-Max-Size', response.headers['tus-max-size']);
    throw tooLarge(file.size, stated instanceof Error ? maxSize : (stated ?? maxSize), response.body.trim());
  }
  if (!isSuccess(response.statusCode)) throw statusFailure(response);
  const location = single(response.headers.location);
  // Not retryable: the server may well have created an upload, and another POST would make a second.
  if (!location) throw malformed(`creation answered HTTP ${response.statusCode} without a Location`, false);
  let uploadUrl: string;
  try {
    uploadUrl = new URL(location, ctx.config.endpoint).href;
  } catch {
    throw malformed(`creation answered with an unusable Location "${location.slice(0, 100)}"`, false);
  }
  // A new upload stands at 0; a 0-byte one is complete the moment it exists.
  return reached(ctx, file, { ...session, uploadUrl }, uploadUrl, 0);
}

/** HEAD (tus core): the server's offset wins, whether it is ahead of the journal (lost answer) or behind. */
async function locate(
  ctx: TusContext,
  file: LocalFile,
  session: TusSession,
  uploadUrl: string,
): Promise<StepResult<TusSession>> {
  const response = await send(ctx, 'HEAD', uploadUrl, headersFor(ctx));
  if (response.statusCode === 404 || response.statusCode === 410)
    return startOver(ctx, session, uploadUrl, response);
  if (!isSuccess(response.statusCode)) throw statusFailure(response);
  const offset = byteCountHeader('Upload-Offset', response.headers['upload-offset']);
  if (offset === undefined) throw malformed('HEAD answered without Upload-Offset', true);
  if (offset instanceof Error) throw malformed(offset.message, true);
  const length = byteCountHeader('Upload-Length', response.headers['upload-length']);
  if (length instanceof Error) throw malformed(length.message, true);
  if ((length !== undefined && length !== file.size) || offset > file.size) {
    throw malformed(
      `the upload at ${uploadUrl} holds ${offset} of ${length ?? 'unknown'} bytes, but the file has ${file.size}`,
      false,
    );
  }
  return reached(ctx, file, session, uploadUrl, offset);
}

/**
 * The upload is gone (404, or 410 once it expired). Nothing live is left of it on the server, so a
 * new one may be created without ever having two; an expired one is also terminated, best effort, so
 * its partial bytes do not linger until the server's own cleanup.
 */
async function startOver(
  ctx: TusContext,
  session: TusSession,
  uploadUrl: string,
  response: Response<string>,
): Promise<StepResult<TusSession>> {
  confirmedOffsets(ctx.http).delete(uploadUrl);
  if (session.recreated >= maxRecreations) {
    throw new UploadError(
      {
        code: 'provider-rejected',
        message: `The tus server lost this upload ${session.recreated + 1} times (HTTP ${response.statusCode}); giving up.`,
        providerCode: String(response.statusCode),
        providerMessage: response.body.trim().slice(0, 200) || undefined,
      },
      { retryable: false },
    );
  }
  if (response.statusCode === 410) await send(ctx, 'DELETE', uploadUrl, headersFor(ctx)).catch(() => {});
  return progress({ ...session, uploadUrl: null, offset: 0, recreated: session.recreated + 1 }, 0);
}

/** PATCH (tus core): one chunk from the acknowledged offset, streamed from disk. */
async function patch(
  ctx: StepContext<TusConfig>,
  file: LocalFile,
  session: TusSession,
  uploadUrl: string,
): Promise<StepResult<TusSession>> {
  const start = session.offset;
  const chunkSize = chunkSizeOf(ctx, session);
  const end = Math.min(start + chunkSize, file.size);
  const length = end - start;
  // Until the server answers, where it stands is in doubt: any failure below makes the retry HEAD first.
  confirmedOffsets(ctx.http).delete(uploadUrl);
  let response: Response<string>;
  // The PATCH reaching the end completes the upload: the file is checked before its last bytes.
  const body = fileBody(file, start, end, { completesUpload: end === file.size });
  try {
    const request = ctx.http(uploadUrl, {
      method: 'PATCH',
      headers: headersFor(ctx, {
        'upload-offset': String(start),
        'content-type': offsetContentType,
        'content-length': String(length),
      }),
      body: body.chunks,
      signal: ctx.signal,
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
    request.on('uploadProgress', (sent: { transferred: number }) => {
      ctx.onBytesSent(Math.min(length, sent.transferred));
    });
    response = await request;
  } catch (error) {
    throw body.readFailure() ?? requestFailure(error, ctx.signal);
  }

  const status = response.statusCode;
  if (isSuccess(status)) {
    const offset = byteCountHeader('Upload-Offset', response.headers['upload-offset']);
    if (offset === undefined) throw malformed('PATCH answered without Upload-Offset', true);
    if (offset instanceof Error) throw malformed(offset.message, true);
    // The new offset is the old one plus what the server stored of this chunk: nothing else is possible.
    if (offset < start || offset > end) {
      throw malformed(`PATCH of bytes ${start}–${end} answered Upload-Offset ${offset}`, true);
    }
    return reached(ctx, file, session, uploadUrl, offset);
  }
  if (status === 409) {
    // Offset mismatch: the server stored more (an answer we never got) or less than we think. Ask it.
    const located = await locate(ctx, file, session, uploadUrl);
    if (
      located.kind === 'progress' &&
      located.session.uploadUrl === uploadUrl &&
      located.committedBytes === start
    ) {
      // The server contradicts itself (conflict at the offset it reports): back off rather than spin.
      throw new UploadError(
        {
          code: 'http-status',
          message: `The tus server reported an offset conflict at ${start} and then that same offset.`,
          providerCode: '409',
          providerMessage: response.body.trim().slice(0, 200) || undefined,
        },
        { retryable: true },
      );
    }
    return located;
  }
  if (status === 404 || status === 410) return startOver(ctx, session, uploadUrl, response);
  if (status === 413 && length > minChunkSize) {
    // A fixed-size upload the server accepted at creation: the chunk (request body) is what is too big,
    // typically a proxy's body limit in front of the tus server. The same offset again at half the size,
    // and that size for the rest of the file (journaled) and the endpoint's next files (this service).
    const smaller = Math.max(minChunkSize, Math.floor(length / 2));
    const taken = takenChunkSizes(ctx.http);
    taken.set(ctx.config.endpoint, Math.min(smaller, taken.get(ctx.config.endpoint) ?? Infinity));
    return progress({ ...session, uploadUrl, chunkSize: smaller }, start);
  }
  if (status === 413) {
    throw new UploadError(
      {
        code: 'provider-rejected',
        message: `The server refused even a ${length}-byte chunk as too large (HTTP 413).`,
        providerCode: '413',
        providerMessage: response.body.trim().slice(0, 200) || undefined,
      },
      { retryable: false },
    );
  }
  throw statusFailure(response);
}

/**
 * tus 1.0 (docs/providers.md#tus) with the creation, termination and expiration extensions: POST creates
 * the upload, one PATCH per chunk from the server's offset, HEAD whenever that offset is in doubt, DELETE
 * on cancel.
 *
 * Never two live uploads for one file: the upload URL is journaled before any byte is sent and every
 * later step and run reuses it; a new upload is created only when there is none yet or the server
 * said the old one is gone (404/410, and an expired one is also DELETEd). The one window left is a
 * creation whose answer is lost (or a crash between the answer and the journal write): the server may
 * then hold an empty upload nobody knows the URL of, which receives no bytes and expires on its own.
 * tus 1.0 offers no request to find it (no listing, no lookup by metadata, no client-chosen id), so
 * Ferry cannot terminate it; every creation carries the task's `ferryUploadId` so the server's side can.
 */
export const tusProvider: Provider<TusConfig, TusSession> = {
  id: 'tus',
  // The upload URL (or the public template's) answers a plain GET; tus servers do not guard GET with
  // the auth header, which is for creating and writing.
  capabilities: { resumable: true, linkAccess: 'public' },

  parseConfig(fields, preferences) {
    const parsed = parseAccountConfig(tusCatalog, tusConfigSchema, fields);
    // The account's own chunk size wins; left empty, the app's part size (when set) replaces the default.
    const ownChunkSize = blankAsAbsent(fields.chunkSize) !== undefined;
    if (ownChunkSize || preferences?.partSize === undefined) return parsed;
    return { ...parsed, chunkSize: Math.max(minChunkSize, preferences.partSize) };
  },

  parseSession(value) {
    return tusSessionSchema.parse(value);
  },

  async startSession() {
    // Creation is a network step of its own (in `step`), so the engine retries it like any other.
    return { uploadUrl: null, offset: 0, recreated: 0, creationId: randomUUID() };
  },

  async step(ctx, file, session) {
    const { uploadUrl } = session;
    if (uploadUrl === null) return create(ctx, file, session);
    let current = session;
    if (confirmedOffsets(ctx.http).get(uploadUrl) !== session.offset) {
      // HEAD and PATCH in one step, so a failing PATCH costs one attempt of the engine's budget, not two.
      const located = await locate(ctx, file, session, uploadUrl);
      if (located.kind === 'done' || located.session.uploadUrl === null) return located;
      current = located.session;
    }
    return patch(ctx, file, current, uploadUrl);
  },

  async abort(ctx, session) {
    if (session.uploadUrl === null) return;
    confirmedOffsets(ctx.http).delete(session.uploadUrl);
    const response = await send(ctx, 'DELETE', session.uploadUrl, headersFor(ctx));
    // Already gone is as good as terminated.
    if (isSuccess(response.statusCode) || response.statusCode === 404 || response.statusCode === 410) return;
    throw statusFailure(response);
  },

  async testConnection(ctx) {
    const found = await discover(ctx);
    if (!found.answered) {
      throw new UploadError(
        {
          code: 'provider-rejected',
          message: 'The endpoint does not answer tus OPTIONS; is it a tus server?',
        },
        { retryable: false },
      );
    }
    if (found.extensions !== undefined && !found.extensions.includes('creation')) {
      throw new UploadError(
        {
          code: 'provider-rejected',
          message: `The tus server does not offer the creation extension (it offers: ${found.extensions.join(', ') || 'none'}), so Ferry cannot start uploads there.`,
          providerMessage: found.extensions.join(','),
        },
        { retryable: false },
      );
    }
    // OPTIONS is often left open (CORS preflights cannot carry credentials), so it proves nothing about
    // them: HEAD an upload that cannot exist. A server that checked the credentials answers 404 (or 410).
    const probe = new URL(`ferry-connection-check-${randomUUID()}`, withTrailingSlash(ctx.config.endpoint))
      .href;
    const response = await send(ctx, 'HEAD', probe, headersFor(ctx));
    if (response.statusCode === 401 || response.statusCode === 403 || response.statusCode >= 500)
      throw statusFailure(response);
  },
};
