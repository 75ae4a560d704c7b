import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { s3Catalog, s3MaxKeyBytes, s3MaxKeyPrefixBytes, s3RemoteNaming } from '../../../shared/catalog/s3.ts';
import type { LinkView } from '../../../shared/models.ts';
import { renderRemoteName } from '../../../shared/remote-name.ts';
import { requestFailure } from '../../net/http-failure.ts';
import { UploadError } from '../../net/upload-error.ts';
import { parseAccountConfig } from '../account-config.ts';
import { fileBody } from '../file-body.ts';
import type { LocalFile, Provider, RemoteResult, StepContext, StepResult } from '../provider.ts';
import { maxPartCount, partRange, partSizeFloor, planParts } from './part-plan.ts';
import {
  completeBody,
  isS3ErrorCode,
  isThrottle,
  malformedS3,
  parseCompleteResult,
  parseInitiateResult,
  parseListPartsPage,
  parseListUploadsPage,
  s3Failure,
  type ListedPart,
} from './s3-protocol.ts';
import { encodeKeySegment, presignGet, signRequest, type S3Target } from './s3-signing.ts';

/** S3 caps presigned links at 7 days. */
export const maxLinkExpirySeconds = 7 * 24 * 60 * 60;

/** An empty form field means "use the default". */
const orDefault = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema);

export const s3ConfigSchema = z
  .object({
    endpoint: z.url({ protocol: /^https?$/ }).refine((value) => {
      const url = new URL(value);
      return (url.pathname === '/' || url.pathname === '') && !url.search;
    }, 'the endpoint is an origin only (scheme, host, port), without a path'),
    region: orDefault(z.string().min(1).default('us-east-1')),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not a valid bucket name'),
    keyPrefix: orDefault(z.string().default('')),
    pathStyle: orDefault(z.enum(['true', 'false']).default('false')).transform((value) => value === 'true'),
    checksumMode: orDefault(z.enum(['none', 'content-md5']).default('none')),
    accessKeyId: z.string().min(1),
    linkMode: orDefault(z.enum(['presigned', 'public']).default('presigned')),
    linkExpirySeconds: orDefault(
      z.coerce.number().int().min(1).max(maxLinkExpirySeconds).default(maxLinkExpirySeconds),
    ),
    publicBaseUrl: orDefault(z.url({ protocol: /^https?$/ }).optional()),
    maxParts: orDefault(z.coerce.number().int().min(1).max(maxPartCount).default(maxPartCount)),
    partConcurrency: orDefault(z.coerce.number().int().min(1).max(16).default(3)),
  })
  .refine(
    (config) => config.pathStyle || isIP(new URL(config.endpoint).hostname.replace(/^\[|\]$/g, '')) === 0,
    {
      message: 'virtual-host style needs an endpoint with a host name; use path style with an IP address',
      path: ['pathStyle'],
    },
  )
  .refine((config) => config.linkMode !== 'public' || config.publicBaseUrl !== undefined, {
    message: 'a public base URL is needed for public links',
    path: ['publicBaseUrl'],
  });
export type S3Config = z.infer<typeof s3ConfigSchema> & {
  /** The smallest part sent (parts grow beyond it only to stay within maxParts); see partSizeFloor. */
  minPartSize: number;
};

const partSchema = z.object({
  partNumber: z.number().int().min(1).max(maxPartCount),
  etag: z.string().min(1),
  size: z.number().int().nonnegative(),
});
type AcknowledgedPart = z.infer<typeof partSchema>;

export const s3SessionSchema = z.discriminatedUnion('mode', [
  /** One PutObject: nothing lives on the server until it succeeds, so nothing to resume or abort. */
  z.object({
    mode: z.literal('single'),
    key: z.string().min(1),
    /**
     * False for a session read back from the journal: a PutObject may have stored the object before
     * the app stopped, so HEAD asks before the file is sent again.
     */
    checked: z.boolean().default(true),
  }),
  z.object({
    mode: z.literal('multipart'),
    key: z.string().min(1),
    /**
     * Null until the first step's CreateMultipartUpload: there it gets the engine's retries (a failed
     * startSession fails the task), and the id is journaled before any part is sent. While it is null
     * and the session comes from the journal (`reconciled` false), an earlier attempt may have created
     * an upload whose answer never arrived: ListMultipartUploads is asked first.
     */
    uploadId: z.string().min(1).nullable(),
    partSize: z.number().int().positive(),
    /** Parts the server acknowledged (journaled by the engine after each step). */
    parts: z.array(partSchema),
    /**
     * False for a session read back from the journal: the server's ListParts must be asked before
     * any part is sent, because parts may have landed after the last journal write (or been lost).
     */
    reconciled: z.boolean().default(true),
    /** New uploads started because the server forgot this one; bounded so a broken server cannot loop us. */
    restarts: z.number().int().nonnegative().default(0),
  }),
]);
export type S3Session = z.infer<typeof s3SessionSchema>;
type MultipartSession = Extract<S3Session, { mode: 'multipart' }>;
type OpenMultipartSession = MultipartSession & { uploadId: string };

const maxRestarts = 3;

function targetOf(config: S3Config): S3Target {
  return {
    endpoint: config.endpoint,
    region: config.region,
    bucket: config.bucket,
    pathStyle: config.pathStyle,
  };
}

function credentialsOf(ctx: Pick<StepContext<S3Config>, 'config' | 'secrets'>) {
  const secretAccessKey = ctx.secrets.secretAccessKey;
  if (!secretAccessKey) {
    throw new UploadError({ code: 'credentials-rejected', message: 'The account has no secret access key.' });
  }
  return { accessKeyId: ctx.config.accessKeyId, secretAccessKey };
}

export const maxKeyPrefixBytes = s3MaxKeyPrefixBytes;

function checkPrefix(prefix: string): void {
  const prefixBytes = Buffer.byteLength(prefix);
  if (prefixBytes > maxKeyPrefixBytes) {
    // parseConfig refuses such a prefix; this guards keys built from a config read some other way.
    throw UploadError.of(
      'account-invalid',
      `Key prefix: ${prefixBytes} bytes leave no room for a file name in S3's ${s3MaxKeyBytes}-byte keys (at most ${maxKeyPrefixBytes}).`,
    );
  }
}

/**
 * keyPrefix + the default pattern, yyyy/mm/<16 random hex>-<name>: the random part keeps names from
 * colliding. The key is journaled with the session, so a retry or a resume writes the same object.
 * (Not a content hash: that would make every upload wait for a full read of the file before its first
 * byte.) A long name is cut (extension kept) so the last segment fits in 200 bytes and the key in S3's
 * 1024; the history keeps the whole name.
 */
export function objectKey(
  prefix: string,
  file: Pick<LocalFile, 'name'>,
  now = new Date(),
  unique = randomBytes(8).toString('hex'),
): string {
  checkPrefix(prefix);
  const values = { name: file.name, time: now, sha256: null, uuid: '', random: () => unique };
  return `${prefix}${renderRemoteName(s3RemoteNaming.defaultPattern, values, s3RemoteNaming)}`;
}

/** The object's key: the prefix and the name the engine made from the account's pattern, or the default. */
function keyFor(prefix: string, file: Pick<LocalFile, 'name' | 'remoteName'>): string {
  if (file.remoteName === undefined) return objectKey(prefix, file);
  checkPrefix(prefix);
  const key = `${prefix}${file.remoteName}`;
  const bytes = Buffer.byteLength(key);
  if (bytes > s3MaxKeyBytes)
    throw UploadError.of(
      'account-invalid',
      `The key "${key.slice(0, 60)}…" is ${bytes} bytes with the prefix; S3 keys have at most ${s3MaxKeyBytes}: shorten the key prefix or the rename pattern's folders.`,
    );
  return key;
}

interface S3Call {
  method: string;
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | AsyncIterable<Buffer>;
  onProgress?: (transferred: number) => void;
}

interface S3Answer {
  statusCode: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One signed request; transport failures become UploadErrors, HTTP answers are returned as they are. */
async function send(ctx: Omit<StepContext<S3Config>, 'onBytesSent'>, call: S3Call): Promise<S3Answer> {
  const signed = signRequest(targetOf(ctx.config), credentialsOf(ctx), {
    method: call.method,
    ...(call.key !== undefined ? { key: call.key } : {}),
    ...(call.query ? { query: call.query } : {}),
    ...(call.headers ? { headers: call.headers } : {}),
  });
  try {
    const request = ctx.http(signed.url, {
      method: call.method as 'GET',
      headers: signed.headers,
      ...(call.body !== undefined ? { body: call.body } : {}),
      signal: ctx.signal,
      // A redirect (wrong region) is an answer to report, not to follow with a consumed body stream.
      followRedirect: false,
      throwHttpErrors: false,
      responseType: 'text',
    });
    let sent = 0;
    request.on('uploadProgress', (progress: { transferred: number }) => {
      sent = progress.transferred;
      call.onProgress?.(sent);
    });
    // S3 keeps a long Complete alive by sending whitespace: bytes arriving are liveness too, so the
    // engine's stall watchdog must not cut a Complete that the server is still assembling.
    request.on('downloadProgress', () => call.onProgress?.(sent));
    const response = await request;
    return { statusCode: response.statusCode, body: response.body, headers: response.headers };
  } catch (error) {
    throw requestFailure(error, ctx.signal);
  }
}

function failure(answer: S3Answer, fallbackCode?: string): UploadError {
  const retryAfter = answer.headers['retry-after'];
  return s3Failure(
    answer.statusCode,
    answer.body,
    typeof retryAfter === 'string' ? retryAfter : undefined,
    fallbackCode,
  );
}

async function md5Base64OfRange(file: LocalFile, start: number, end: number): Promise<string> {
  return (await file.digestRange(start, end, 'md5')).toString('base64');
}

function linkFor(ctx: Pick<StepContext<S3Config>, 'config' | 'secrets'>, key: string): LinkView {
  const { config } = ctx;
  if (config.linkMode === 'public') {
    const base = config.publicBaseUrl!.replace(/\/+$/, '');
    return { kind: 'original', url: `${base}/${key.split('/').map(encodeKeySegment).join('/')}` };
  }
  return {
    kind: 'original',
    url: presignGet(targetOf(config), credentialsOf(ctx), key, config.linkExpirySeconds),
  };
}

function finished(
  ctx: StepContext<S3Config>,
  file: LocalFile,
  session: S3Session,
  etag: string | undefined,
): StepResult<S3Session> {
  const result: RemoteResult = {
    remoteId: session.key,
    links: [{ ...linkFor(ctx, session.key), size: file.size }],
    details: {
      bucket: ctx.config.bucket,
      key: session.key,
      ...(etag ? { etag } : {}),
      ...(session.mode === 'multipart' ? { parts: session.parts.length } : {}),
    },
  };
  return { kind: 'done', session, result };
}

async function createMultipartUpload(
  ctx: Omit<StepContext<S3Config>, 'onBytesSent'>,
  key: string,
  file: LocalFile,
): Promise<string> {
  const answer = await send(ctx, {
    method: 'POST',
    key,
    query: { uploads: '' },
    headers: { 'Content-Type': file.mimeType },
  });
  if (answer.statusCode !== 200) throw failure(answer);
  return parseInitiateResult(answer.body).uploadId;
}

/**
 * Whether a request may have taken effect although no usable answer came back: the connection
 * dropped or stalled after the request left, or the answer could not be read. An HTTP error answer
 * is S3 saying it did not act.
 */
function answerInDoubt(error: unknown): boolean {
  return (
    error instanceof UploadError &&
    (error.view.code === 'network' ||
      error.view.code === 'malformed-response' ||
      error.view.code === 'cancelled')
  );
}

/**
 * Object keys whose CreateMultipartUpload this process sent without learning the upload id. The key
 * is this session's own (random part included), so any upload under it is one Ferry made for it.
 */
const createsInDoubt = new Set<string>();

/**
 * The multipart upload for `key`: one this session already made (its creation answer lost, or the
 * app stopped before journaling it) when the server lists one, else a new one. Extra uploads found
 * (several lost answers) are aborted, so none is left to collect parts' storage charges.
 */
async function openMultipartUpload(
  ctx: Omit<StepContext<S3Config>, 'onBytesSent'>,
  key: string,
  file: LocalFile,
  lookFirst: boolean,
): Promise<string> {
  if (lookFirst || createsInDoubt.has(key)) {
    const earlier = await uploadsOfKey(ctx, key);
    if (earlier !== undefined && earlier.length > 0) {
      const [kept, ...extra] = earlier;
      for (const upload of extra) await abortUpload(ctx, key, upload).catch(() => undefined);
      createsInDoubt.delete(key);
      return kept!;
    }
  }
  createsInDoubt.add(key);
  try {
    const uploadId = await createMultipartUpload(ctx, key, file);
    createsInDoubt.delete(key);
    return uploadId;
  } catch (error) {
    if (!answerInDoubt(error)) createsInDoubt.delete(key);
    throw error;
  }
}

/**
 * ListMultipartUploads with the key as prefix: the ids of the open uploads of exactly this key, oldest
 * first. Undefined when the server will not list them (no permission, not implemented): then nothing
 * can be found, and a new upload is made as before.
 */
async function uploadsOfKey(
  ctx: Omit<StepContext<S3Config>, 'onBytesSent'>,
  key: string,
): Promise<string[] | undefined> {
  const found: string[] = [];
  let marker: { keyMarker: string; uploadIdMarker: string } | undefined;
  for (let page = 0; page < 100; page++) {
    const answer = await send(ctx, {
      method: 'GET',
      query: {
        uploads: '',
        prefix: key,
        ...(marker ? { 'key-marker': marker.keyMarker, 'upload-id-marker': marker.uploadIdMarker } : {}),
      },
    });
    if (answer.statusCode !== 200) {
      const error = failure(answer);
      if (error.retryable) throw error;
      return undefined;
    }
    const listed = parseListUploadsPage(answer.body);
    found.push(...listed.uploads.filter((upload) => upload.key === key).map((upload) => upload.uploadId));
    if (listed.next === undefined) return found;
    marker = listed.next;
  }
  return found;
}

async function abortUpload(
  ctx: Omit<StepContext<S3Config>, 'onBytesSent'>,
  key: string,
  uploadId: string,
): Promise<void> {
  const answer = await send(ctx, { method: 'DELETE', key, query: { uploadId } });
  if (answer.statusCode === 204 || answer.statusCode === 200) return;
  const error = failure(answer);
  if (isS3ErrorCode(error, 'NoSuchUpload')) return; // already gone: what abort wanted
  throw error;
}

function committedOf(parts: readonly AcknowledgedPart[]): number {
  return parts.reduce((sum, part) => sum + part.size, 0);
}

/** Resume: ask the server which parts it holds; its list replaces ours. */
async function reconcile(
  ctx: StepContext<S3Config>,
  file: LocalFile,
  session: OpenMultipartSession,
): Promise<StepResult<S3Session>> {
  const listed: ListedPart[] = [];
  let marker: number | undefined;
  for (;;) {
    const answer = await send(ctx, {
      method: 'GET',
      key: session.key,
      query: {
        uploadId: session.uploadId,
        'max-parts': '1000',
        ...(marker !== undefined ? { 'part-number-marker': String(marker) } : {}),
      },
    });
    if (answer.statusCode !== 200) {
      const error = failure(answer);
      if (!isS3ErrorCode(error, 'NoSuchUpload')) throw error;
      return restart(ctx, file, session);
    }
    const page = parseListPartsPage(answer.body);
    listed.push(...page.parts);
    if (page.nextMarker === undefined) break;
    if (marker !== undefined && page.nextMarker <= marker)
      throw malformedS3('ListParts paging does not advance');
    marker = page.nextMarker;
  }
  const partCount = Math.ceil(file.size / session.partSize);
  // A part whose size is not the planned one cannot be completed into this file: send it again.
  const parts = listed
    .filter((part) => {
      if (part.partNumber > partCount) return false;
      const range = partRange(part.partNumber, session.partSize, file.size);
      return part.size === range.end - range.start;
    })
    .map((part) => ({ partNumber: part.partNumber, etag: part.etag, size: part.size }));
  const next: OpenMultipartSession = { ...session, parts, reconciled: true };
  return { kind: 'progress', session: next, committedBytes: committedOf(parts) };
}

/** The server no longer knows the upload: maybe it was completed just before a crash; else start anew. */
async function restart(
  ctx: StepContext<S3Config>,
  file: LocalFile,
  session: OpenMultipartSession,
): Promise<StepResult<S3Session>> {
  const partCount = Math.ceil(file.size / session.partSize);
  if (session.parts.length === partCount && (await objectHasSize(ctx, session.key, file.size))) {
    return finished(ctx, file, session, undefined);
  }
  if (session.restarts >= maxRestarts) {
    throw new UploadError(
      {
        code: 'provider-rejected',
        message: 'The S3 server keeps forgetting the multipart upload (NoSuchUpload).',
        providerCode: 'NoSuchUpload',
      },
      { retryable: false },
    );
  }
  const uploadId = await openMultipartUpload(ctx, session.key, file, false);
  const next: OpenMultipartSession = {
    ...session,
    uploadId,
    parts: [],
    reconciled: true,
    restarts: session.restarts + 1,
  };
  return { kind: 'progress', session: next, committedBytes: 0 };
}

async function objectHasSize(
  ctx: Omit<StepContext<S3Config>, 'onBytesSent'>,
  key: string,
  size: number,
): Promise<boolean> {
  const answer = await send(ctx, { method: 'HEAD', key });
  if (answer.statusCode === 404) return false;
  if (answer.statusCode !== 200) throw failure(answer);
  return Number(answer.headers['content-length']) === size;
}

/** Keys whose PutObject this process sent without a usable answer: the object may well be there. */
const putsInDoubt = new Set<string>();

/** The object's ETag when the key holds exactly `size` bytes; undefined when it does not (or cannot be asked). */
async function storedObject(
  ctx: Omit<StepContext<S3Config>, 'onBytesSent'>,
  key: string,
  size: number,
): Promise<{ etag: string | undefined } | undefined> {
  const answer = await send(ctx, { method: 'HEAD', key });
  if (answer.statusCode === 200) {
    if (Number(answer.headers['content-length']) !== size) return undefined;
    const etag = answer.headers.etag;
    return { etag: typeof etag === 'string' && etag !== '' ? etag : undefined };
  }
  const error = failure(answer);
  // 404, or no permission to read: send the object, as without the question.
  if (answer.statusCode !== 404 && error.retryable) throw error;
  return undefined;
}

async function putObject(
  ctx: StepContext<S3Config>,
  file: LocalFile,
  session: Extract<S3Session, { mode: 'single' }>,
): Promise<StepResult<S3Session>> {
  // The key is this session's own, and S3 stores an object whole or not at all: an object of the
  // file's size under it is this file, stored by an attempt whose answer never arrived.
  if (!session.checked || putsInDoubt.has(session.key)) {
    const found = await storedObject(ctx, session.key, file.size);
    putsInDoubt.delete(session.key);
    if (found) return finished(ctx, file, { ...session, checked: true }, found.etag);
  }
  const headers: Record<string, string> = {
    'Content-Length': String(file.size),
    'Content-Type': file.mimeType,
  };
  if (ctx.config.checksumMode === 'content-md5') {
    // A single PutObject holds at most one part's bytes: hash them here, as for a part.
    headers['Content-MD5'] = await md5Base64OfRange(file, 0, file.size);
  }
  // The PutObject completes the upload: its body checks the file before its last bytes.
  const body = fileBody(file, 0, file.size, { completesUpload: true });
  let answer: S3Answer;
  try {
    answer = await send(ctx, {
      method: 'PUT',
      key: session.key,
      headers,
      body: file.size === 0 ? '' : body.chunks,
      onProgress: (transferred) => ctx.onBytesSent(Math.min(file.size, transferred)),
    });
  } catch (error) {
    // A body that failed to read was never complete: no object can have been stored from it.
    if (body.readFailure() !== undefined) throw body.readFailure();
    if (answerInDoubt(error)) putsInDoubt.add(session.key);
    throw error;
  }
  if (answer.statusCode !== 200) throw failure(answer);
  // S3 always names what it stored; a 200 without an ETag is someone else's answer (a proxy, a portal).
  const etag = answer.headers.etag;
  if (typeof etag !== 'string' || etag === '') throw malformedS3('the object was stored without an ETag');
  return finished(ctx, file, { ...session, checked: true }, etag);
}

async function uploadPart(
  ctx: StepContext<S3Config>,
  file: LocalFile,
  session: OpenMultipartSession,
  partNumber: number,
  onProgress: (transferred: number) => void,
): Promise<AcknowledgedPart> {
  const { start, end } = partRange(partNumber, session.partSize, file.size);
  const headers: Record<string, string> = { 'Content-Length': String(end - start) };
  if (ctx.config.checksumMode === 'content-md5') {
    // Hashed in a read pass of its own, so the part is still streamed (never held in memory).
    headers['Content-MD5'] = await md5Base64OfRange(file, start, end);
  }
  const body = fileBody(file, start, end);
  let answer: S3Answer;
  try {
    answer = await send(ctx, {
      method: 'PUT',
      key: session.key,
      query: { partNumber: String(partNumber), uploadId: session.uploadId },
      headers,
      body: body.chunks,
      onProgress: (transferred) => onProgress(Math.min(end - start, transferred)),
    });
  } catch (error) {
    throw body.readFailure() ?? error;
  }
  if (answer.statusCode !== 200) throw failure(answer);
  const etag = answer.headers.etag;
  if (typeof etag !== 'string' || etag === '')
    throw malformedS3(`part ${partNumber} was stored without an ETag`);
  return { partNumber, etag, size: end - start };
}

/**
 * Uploads (by id) with a part whose answer was lost in a step that failed as a whole: the part may be
 * stored, so the next step asks ListParts before sending anything, as after a crash.
 */
const partsInDoubt = new Set<string>();

/**
 * Parts acknowledged by a step that then failed as a whole, by upload id: the next step of the same
 * upload in this process takes them back instead of sending them again. After a restart ListParts
 * finds them on the server anyway.
 */
const unjournaledParts = new Map<string, AcknowledgedPart[]>();

function mergeParts(
  known: readonly AcknowledgedPart[],
  added: readonly AcknowledgedPart[],
): AcknowledgedPart[] {
  const byNumber = new Map(known.map((part) => [part.partNumber, part]));
  for (const part of added) byNumber.set(part.partNumber, part);
  return [...byNumber.values()].sort((a, b) => a.partNumber - b.partNumber);
}

/** Up to partConcurrency missing parts at once; what the server acknowledged is kept even if a sibling failed. */
async function uploadParts(
  ctx: StepContext<S3Config>,
  file: LocalFile,
  session: OpenMultipartSession,
  missing: readonly number[],
): Promise<StepResult<S3Session>> {
  const batch = missing.slice(0, ctx.config.partConcurrency);
  const inFlight = new Map<number, number>();
  const report = (): void => ctx.onBytesSent([...inFlight.values()].reduce((sum, bytes) => sum + bytes, 0));
  const outcomes = await Promise.allSettled(
    batch.map((partNumber) =>
      uploadPart(ctx, file, session, partNumber, (transferred) => {
        inFlight.set(partNumber, transferred);
        report();
      }),
    ),
  );
  const acknowledged: AcknowledgedPart[] = [];
  const errors: unknown[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') acknowledged.push(outcome.value);
    else errors.push(outcome.reason);
  }
  if (errors.some((error) => isS3ErrorCode(error, 'NoSuchUpload'))) {
    // The upload vanished under us: let the next step ask the server (and start anew if need be).
    return {
      kind: 'progress',
      session: { ...session, reconciled: false },
      committedBytes: committedOf(session.parts),
    };
  }
  const parts = mergeParts(session.parts, acknowledged);
  // A part whose answer was lost may be stored: the next step asks the server before sending it.
  const doubt = errors.some(answerInDoubt);
  const fatal = errors.find((error) => !(error instanceof UploadError) || !error.retryable);
  const throttled = errors.find(isThrottle);
  if (ctx.signal.aborted || fatal !== undefined || throttled !== undefined || acknowledged.length === 0) {
    // The engine must see the failure (to stop, or to wait as the server asked); the parts that did
    // arrive are kept for the next attempt of this upload rather than sent again.
    if (parts.length > 0) unjournaledParts.set(session.uploadId, parts);
    if (doubt) partsInDoubt.add(session.uploadId);
    throw fatal ?? throttled ?? errors[0];
  }
  // A sibling that failed retryably is sent again by the next step; the acknowledged ones are journaled now.
  return {
    kind: 'progress',
    session: { ...session, parts, reconciled: !doubt },
    committedBytes: committedOf(parts),
  };
}

async function completeUpload(
  ctx: StepContext<S3Config>,
  file: LocalFile,
  session: OpenMultipartSession,
): Promise<StepResult<S3Session>> {
  // Parts went out side by side and may be retried: only now is every byte of them known.
  await file.verifySent();
  const answer = await send(ctx, {
    method: 'POST',
    key: session.key,
    query: { uploadId: session.uploadId },
    headers: { 'Content-Type': 'application/xml' },
    body: completeBody(session.parts),
    onProgress: () => ctx.onBytesSent(0),
  });
  if (answer.statusCode === 200) {
    const { etag } = parseCompleteResult(answer.body); // throws on a 200 that carries an <Error>
    return finished(ctx, file, session, etag);
  }
  const error = failure(answer);
  // A repeated Complete whose first attempt succeeded (the answer was lost) finds the upload gone.
  if (isS3ErrorCode(error, 'NoSuchUpload')) {
    if (await objectHasSize(ctx, session.key, file.size)) return finished(ctx, file, session, undefined);
    return {
      kind: 'progress',
      session: { ...session, reconciled: false },
      committedBytes: committedOf(session.parts),
    };
  }
  throw error;
}

/**
 * S3-compatible storage (docs/providers.md#s3-compatible-storage): one streamed PutObject up to one part,
 * multipart beyond, resumed from ListParts, SigV4 with an unsigned payload so bodies stream from disk.
 */
export const s3Provider: Provider<S3Config, S3Session> = {
  id: 's3',
  // Public links, or presigned ones that anyone holding them can fetch until they expire.
  capabilities: { resumable: true, maxFileSize: 5 * 1024 ** 4, linkAccess: 'public' },

  parseConfig(fields, preferences) {
    const parsed = parseAccountConfig(s3Catalog, s3ConfigSchema, fields);
    return { ...parsed, minPartSize: partSizeFloor(preferences?.partSize) };
  },

  parseSession(value) {
    const session = s3SessionSchema.parse(value);
    return session.mode === 'multipart' ? { ...session, reconciled: false } : { ...session, checked: false };
  },

  async startSession(ctx, file) {
    let plan;
    try {
      plan = planParts(file.size, ctx.config.maxParts, ctx.config.minPartSize);
    } catch (error) {
      throw new UploadError({ code: 'file-too-large', message: `S3: ${(error as Error).message}` });
    }
    const key = keyFor(ctx.config.keyPrefix, file);
    if (plan.partCount <= 1) return { mode: 'single', key, checked: true };
    return {
      mode: 'multipart',
      key,
      uploadId: null,
      partSize: plan.partSize,
      parts: [],
      reconciled: true,
      restarts: 0,
    };
  },

  async step(ctx, file, session) {
    if (session.mode === 'single') return putObject(ctx, file, session);
    if (session.uploadId === null) {
      // A session from the journal may have made an upload before the app stopped: look first.
      const uploadId = await openMultipartUpload(ctx, session.key, file, !session.reconciled);
      return {
        kind: 'progress',
        session: { ...session, uploadId, parts: [], reconciled: true },
        committedBytes: 0,
      };
    }
    const stashed = unjournaledParts.get(session.uploadId);
    unjournaledParts.delete(session.uploadId);
    const open = {
      ...session,
      uploadId: session.uploadId,
      parts: stashed ? mergeParts(session.parts, stashed) : session.parts,
    };
    if (!session.reconciled || partsInDoubt.has(session.uploadId)) {
      const reconciled = await reconcile(ctx, file, open);
      partsInDoubt.delete(session.uploadId); // only once the server has answered
      return reconciled;
    }
    const partCount = Math.ceil(file.size / session.partSize);
    const have = new Set(open.parts.map((part) => part.partNumber));
    const missing: number[] = [];
    for (let partNumber = 1; partNumber <= partCount; partNumber++) {
      if (!have.has(partNumber)) missing.push(partNumber);
    }
    if (missing.length > 0) return uploadParts(ctx, file, open, missing);
    return completeUpload(ctx, file, open);
  },

  async abort(ctx, session) {
    putsInDoubt.delete(session.key);
    if (session.mode !== 'multipart') return;
    if (session.uploadId === null) {
      // A creation whose answer was lost (or not journaled) may have left an upload under this key.
      if (!createsInDoubt.delete(session.key) && session.reconciled) return;
      for (const uploadId of (await uploadsOfKey(ctx, session.key)) ?? []) {
        await abortUpload(ctx, session.key, uploadId);
      }
      return;
    }
    unjournaledParts.delete(session.uploadId);
    partsInDoubt.delete(session.uploadId);
    await abortUpload(ctx, session.key, session.uploadId);
  },

  async testConnection(ctx) {
    const answer = await send(ctx, { method: 'HEAD' });
    if (answer.statusCode === 200) return;
    // A HEAD answer has no body, so no <Error> saying what is wrong (a wrong secret and a missing
    // permission both read "403"). The same question as a GET, ListObjectsV2 of no keys (the same
    // s3:ListBucket permission HeadBucket needs), brings the server's own code and message.
    const listed = await send(ctx, { method: 'GET', query: { 'list-type': '2', 'max-keys': '0' } });
    if (listed.statusCode === 200) return;
    const said = failure(listed);
    if (said.view.providerCode !== undefined) throw said;
    const fallback =
      answer.statusCode === 404 ? 'NoSuchBucket' : answer.statusCode === 403 ? 'AccessDenied' : undefined;
    throw failure(answer, fallback);
  },
};
