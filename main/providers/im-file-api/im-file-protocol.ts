import type { Got } from 'got';
import { z } from 'zod';
import { httpStatusFailure, requestFailure } from '../../net/http-failure.ts';
import { UploadError } from '../../net/upload-error.ts';
import { describeAnswer } from '../answer-shape.ts';
import { xmlDocumentReader } from '../xml-document.ts';

/**
 * The wire of the IM file API (docs/providers.md#im-file-api): the IM server's envelopes and tickets, and the
 * object storage's answers. Everything the card marks as a guess is decided here, in one place.
 */

/** `code` of the envelope; every one but 200 arrives with HTTP 200. */
export const imCodes = {
  ok: 200,
  tokenExpired: 402,
  badParameter: 10002,
  missingToken: 10003,
  invalidToken: 10008,
  storageError: 10009,
  unknownAppId: 40000,
} as const;

/** `file_type` of a chat-file ticket; the shared-file variants are the same kinds plus 100. */
export const fileTypes = {
  file: 100,
  voiceAmr: 101,
  image: 102,
  video: 103,
  voiceMp3: 104,
  sharedFile: 200,
  sharedVoice: 201,
  sharedImage: 202,
  sharedVideo: 203,
} as const;

export const toTypes = { user: 1, group: 2 } as const;

export function fileTypeFor(mimeType: string, shared: boolean): number {
  const type = mimeType.toLowerCase();
  if (type.startsWith('image/')) return shared ? fileTypes.sharedImage : fileTypes.image;
  if (type.startsWith('video/')) return shared ? fileTypes.sharedVideo : fileTypes.video;
  // The seed names two voice formats; any other audio is a plain file to the IM server.
  if (type === 'audio/amr') return shared ? fileTypes.sharedVoice : fileTypes.voiceAmr;
  if (type === 'audio/mpeg' || type === 'audio/mp3')
    return shared ? fileTypes.sharedVoice : fileTypes.voiceMp3;
  return shared ? fileTypes.sharedFile : fileTypes.file;
}

const numeric = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);

export const envelopeSchema = z.object({
  code: numeric,
  message: z.string().nullish(),
  data: z.unknown().optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** Form fields are strings on the wire; a server that sends a number or boolean means its text. */
const formValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const ticketSchema = z.object({
  upload_url: z.url({ protocol: /^https?$/ }),
  download_url: z.string().min(1),
  oss_body_param: z
    .record(z.string(), formValue)
    .nullish()
    .transform((value) => value ?? {}),
  /** (guess) "POST" by default; "PUT" sends the raw body to a pre-signed URL. */
  upload_method: z
    .string()
    .optional()
    .transform((value) => (value?.trim().toUpperCase() === 'PUT' ? 'PUT' : 'POST')),
});
export type Ticket = z.infer<typeof ticketSchema>;

/** Where a ticket is asked for: the three upload endpoints of the seed. */
export type TicketTarget =
  | { kind: 'chat'; fileType: number; toId: string; toType: number }
  | { kind: 'user-avatar' }
  | { kind: 'group-avatar'; groupId: string };

/** What every IM endpoint needs: where, which app, whose token, and optionally whom to act as. */
export interface ImServerAccess {
  baseUrl: string;
  appId: string;
  accessToken: string;
  userId?: string | undefined;
  groupId?: string | undefined;
}

export interface ImRequestContext {
  access: ImServerAccess;
  http: Got;
  signal: AbortSignal;
}

function imHeaders(access: ImServerAccess, actAsGroup: boolean): Record<string, string> {
  const headers: Record<string, string> = { app_id: access.appId, 'access-token': access.accessToken };
  if (access.userId) headers.user_id = access.userId;
  if (actAsGroup && access.groupId) headers.group_id = access.groupId;
  return headers;
}

export function imUrl(baseUrl: string, path: string): URL {
  return new URL(path.replace(/^\//, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

/** GET an IM endpoint and return the `data` of a successful envelope; anything else throws an UploadError. */
async function getEnvelopeData(
  ctx: ImRequestContext,
  path: string,
  query: Record<string, string | number>,
  actAsGroup: boolean,
): Promise<unknown> {
  let response;
  try {
    response = await ctx.http.get(imUrl(ctx.access.baseUrl, path), {
      searchParams: query,
      headers: imHeaders(ctx.access, actAsGroup),
      signal: ctx.signal,
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
  } catch (error) {
    throw requestFailure(error, ctx.signal);
  }
  if (response.statusCode !== 200) {
    throw httpStatusFailure(response.statusCode, response.body, response.headers['retry-after']);
  }
  const envelope = parseEnvelope(response.body);
  if (envelope.code !== imCodes.ok) throw businessError(envelope.code, envelope.message ?? undefined);
  return envelope.data;
}

export function parseEnvelope(body: string): Envelope {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw malformed('the body is not JSON');
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw malformed(z.prettifyError(parsed.error));
  return parsed.data;
}

export function malformed(detail: string): UploadError {
  return new UploadError(
    { code: 'malformed-response', message: `The IM server sent an answer Ferry cannot read: ${detail}` },
    { retryable: true },
  );
}

/** A non-200 `code` in an HTTP 200 envelope, as the user should see it and whether to try again. */
export function businessError(code: number, providerMessage: string | undefined): UploadError {
  const said = providerMessage ? `: ${providerMessage}` : '';
  const view = { providerCode: String(code), providerMessage };
  switch (code) {
    case imCodes.tokenExpired:
    case imCodes.invalidToken:
      return new UploadError(
        {
          ...view,
          code: 'credentials-rejected',
          message:
            code === imCodes.tokenExpired
              ? `The access token has expired (${code})${said}. Log in again and replace the access token of this account.`
              : `The IM server does not accept the access token (${code})${said}. Log in again and replace the access token of this account.`,
        },
        { retryable: false },
      );
    case imCodes.badParameter:
    case imCodes.missingToken:
      return new UploadError(
        {
          ...view,
          code: 'invalid-request',
          message: `The IM server refused the request (${code})${said}. Check the account's recipient, type and token.`,
        },
        { retryable: false },
      );
    case imCodes.unknownAppId:
      return new UploadError(
        {
          ...view,
          code: 'provider-rejected',
          message: `The IM server does not know this app_id (${code})${said}. Check the App ID of this account.`,
        },
        { retryable: false },
      );
    case imCodes.storageError:
      return new UploadError(
        { ...view, code: 'provider-rejected', message: `The IM server's storage failed (${code})${said}.` },
        { retryable: true },
      );
    default:
      return new UploadError(
        { ...view, code: 'provider-rejected', message: `The IM server refused the upload (${code})${said}.` },
        { retryable: false },
      );
  }
}

const ticketPaths = {
  chat: '/file/upload/chat',
  'user-avatar': '/file/upload/avatar/user',
  'group-avatar': '/file/upload/avatar/group',
} as const;

/** Step 1: ask the IM server where and how to put one file. */
export async function requestTicket(ctx: ImRequestContext, target: TicketTarget): Promise<Ticket> {
  const query: Record<string, string | number> =
    target.kind === 'chat'
      ? { file_type: target.fileType, to_id: target.toId, to_type: target.toType }
      : target.kind === 'group-avatar'
        ? { group_id: target.groupId }
        : {};
  // The seed lists no group_id header for the group-avatar endpoint (its group is in the query).
  const data = await getEnvelopeData(ctx, ticketPaths[target.kind], query, target.kind !== 'group-avatar');
  const parsed = ticketSchema.safeParse(data);
  if (!parsed.success) throw malformed(`the upload ticket: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * The forwarding ticket: a URL under which an uploaded file (its file_sign) is sent on to another
 * user or group without uploading it again. `data` is the URL as a plain string.
 */
export async function requestForwardUrl(
  ctx: ImRequestContext,
  forward: { fileSign: string; toId: string; toType: number },
): Promise<string> {
  const data = await getEnvelopeData(
    ctx,
    '/file/upload/forward',
    { file_sign: forward.fileSign, to_id: forward.toId, to_type: forward.toType },
    true,
  );
  const parsed = z.string().min(1).safeParse(data);
  if (!parsed.success) throw malformed('the forwarding ticket is not a URL string');
  return parsed.data;
}

/** A form field of the ticket, looked up case-insensitively (SDKs send `signature`, OSS docs `Signature`). */
export function ticketField(ticket: Ticket, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(ticket.oss_body_param)) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** What a ticket lets through, as far as it says: when it stops working, and the size it takes. */
export interface TicketLimits {
  /** Epoch ms after which the store refuses the ticket. */
  expiresAt?: number;
  minBytes?: number;
  maxBytes?: number;
}

const byteCount = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]);

const policySchema = z.object({
  expiration: z.string().optional(),
  conditions: z.array(z.unknown()).optional(),
});

/**
 * The limits a ticket carries: an OSS PostObject policy (base64 JSON: `expiration`, and conditions
 * such as `["content-length-range", min, max]`), or a pre-signed PUT URL's expiry (`Expires` in epoch
 * seconds, OSS; `X-Amz-Date` + `X-Amz-Expires`, S3). Whatever is absent or unreadable is left out:
 * the store still decides, this only spares sending what it would refuse.
 */
export function ticketLimitsOf(ticket: Ticket): TicketLimits {
  if (ticket.upload_method === 'PUT') return presignedExpiry(ticket.upload_url);
  const encoded = ticketField(ticket, 'policy');
  if (encoded === undefined) return {};
  let policy: z.infer<typeof policySchema>;
  try {
    const parsed = policySchema.safeParse(JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')));
    if (!parsed.success) return {};
    policy = parsed.data;
  } catch {
    return {};
  }
  const limits: TicketLimits = {};
  const expiresAt = policy.expiration === undefined ? NaN : Date.parse(policy.expiration);
  if (Number.isFinite(expiresAt)) limits.expiresAt = expiresAt;
  for (const condition of policy.conditions ?? []) {
    if (!Array.isArray(condition) || String(condition[0]).toLowerCase() !== 'content-length-range') continue;
    const min = byteCount.safeParse(condition[1]);
    const max = byteCount.safeParse(condition[2]);
    if (min.success) limits.minBytes = min.data;
    if (max.success) limits.maxBytes = max.data;
  }
  return limits;
}

function presignedExpiry(url: string): TicketLimits {
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return {};
  }
  const expires = query.get('Expires');
  if (expires !== null && /^\d{9,11}$/.test(expires)) return { expiresAt: Number(expires) * 1000 };
  const signedAt = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query.get('X-Amz-Date') ?? '');
  const lifetime = query.get('X-Amz-Expires');
  if (signedAt && lifetime !== null && /^\d+$/.test(lifetime)) {
    const [, year, month, day, hour, minute, second] = signedAt.map(Number) as number[];
    return { expiresAt: Date.UTC(year!, month! - 1, day, hour, minute, second) + Number(lifetime) * 1000 };
  }
  return {};
}

/** How the store named what it stored, where its answer says (201's PostResponse, an ETag header). */
export interface StoredIdentity {
  key?: string;
  etag?: string;
  location?: string;
}

/** What the object storage's answer to step 2 means. */
export type StorageAnswer =
  | {
      kind: 'stored';
      callback: Record<string, unknown>;
      identity: StoredIdentity;
      /** Set when the answer was a 2xx of a shape Ferry does not know: stored all the same. */
      warning?: string;
    }
  /** The policy or pre-signed URL is past its expiration: ask the IM server for a new ticket. */
  | { kind: 'ticket-expired'; providerMessage: string };

/** OSS (and S3) errors are XML: <Error><Code>…</Code><Message>…</Message></Error>. */
export function storageErrorOf(body: string): { code?: string; message?: string } {
  const tag = (name: string) =>
    new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(body)?.[1]?.trim() || undefined;
  const code = tag('Code');
  const message = tag('Message');
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

const readStorageXml = xmlDocumentReader();

const postResponseSchema = z.object({
  Key: z.string().optional(),
  ETag: z.string().optional(),
  Location: z.string().optional(),
});

/**
 * What a storage answer means. A 2xx (but 203) from the store means the object is stored, whatever
 * the body: the callback's JSON relayed with 200 (`Status: "OK"`, or a self-hosted `{"data": true}`),
 * `success_action_status` 201's XML PostResponse naming the object, an empty 200 or 204. A 2xx of any
 * other shape is stored too, with a warning: sending the whole file again would only store it again.
 * Refusals inside a 2xx are still refusals: a callback `Status` other than OK, an IM envelope with an
 * error code, an XML <Error>.
 */
export function classifyStorageAnswer(
  status: number,
  body: string,
  headers: { retryAfter?: string | undefined; etag?: string | undefined } = {},
): StorageAnswer {
  if (status >= 200 && status < 300 && status !== 203) {
    return classifyStored(status, body, headers.etag ? { etag: headers.etag } : {});
  }
  const xml = storageErrorOf(body);
  // OSS: 403 AccessDenied "Invalid according to Policy: Policy expired." (PostObject) or
  // "Request has expired" (a pre-signed PUT URL).
  if ((status === 403 || status === 400) && /expired/i.test(xml.message ?? body)) {
    return { kind: 'ticket-expired', providerMessage: xml.message ?? body.slice(0, 200) };
  }
  const failure = httpStatusFailure(status, body, headers.retryAfter);
  if (status === 203) {
    // OSS stored the object but the IM server's callback failed: posting again to the same key
    // overwrites it and gives the callback another chance.
    return throwWith(failure, xml, true);
  }
  return throwWith(failure, xml, failure.retryable);
}

function classifyStored(status: number, body: string, identity: StoredIdentity): StorageAnswer {
  const stored = (callback: Record<string, unknown> = {}, named: StoredIdentity = identity) =>
    ({ kind: 'stored', callback, identity: named }) as const;
  const unknown = () => ({
    ...stored(),
    warning:
      `The storage answered HTTP ${status} with ${describeAnswer(body)}, a success Ferry does not know; ` +
      'a 2xx means the object is stored, so the file was not sent again.',
  });
  const text = body.trim();
  if (text === '') return stored();
  if (text.startsWith('<')) {
    const read = readStorageXml(text);
    const document = 'problem' in read ? undefined : read;
    if (document?.root === 'PostResponse') {
      const parsed = postResponseSchema.safeParse(document.content === '' ? {} : document.content);
      if (!parsed.success) return unknown();
      const { Key: key, ETag: etag, Location: location } = parsed.data;
      return stored(
        {},
        {
          ...identity,
          ...(key ? { key } : {}),
          ...(etag ? { etag } : {}),
          ...(location ? { location } : {}),
        },
      );
    }
    if (document?.root === 'Error') {
      const xml = storageErrorOf(text);
      throw new UploadError(
        {
          code: 'provider-rejected',
          message: `The storage answered HTTP ${status} with an error${xml.code ? ` (${xml.code})` : ''}.`,
          providerCode: xml.code,
          providerMessage: xml.message,
        },
        { retryable: false },
      );
    }
    return unknown();
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return unknown();
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return unknown();
  const answer = json as Record<string, unknown>;
  if (typeof answer.Status === 'string') {
    if (answer.Status.toUpperCase() === 'OK') return stored(answer);
    throw new UploadError(
      {
        code: 'provider-rejected',
        message: `The IM server's upload callback answered ${answer.Status}.`,
        providerMessage: answer.Status,
      },
      { retryable: false },
    );
  }
  const envelope = envelopeSchema.safeParse(answer);
  if (envelope.success && envelope.data.code !== imCodes.ok) {
    throw businessError(envelope.data.code, envelope.data.message ?? undefined);
  }
  if (answer.data === false) {
    // (guess) the self-hosted variant's own "no", the opposite of its {"data": true}.
    throw new UploadError(
      {
        code: 'provider-rejected',
        message: 'The storage answered {"data": false}: it did not take the file.',
      },
      { retryable: false },
    );
  }
  if (envelope.success || answer.data === true || fileSignOf(undefined, answer) !== undefined) {
    return stored(answer);
  }
  return { ...unknown(), callback: answer };
}

function throwWith(
  failure: UploadError,
  xml: { code?: string; message?: string },
  retryable: boolean,
): never {
  throw new UploadError(
    { ...failure.view, providerCode: xml.code, providerMessage: xml.message },
    { retryable, retryAfterSeconds: failure.retryAfterSeconds },
  );
}

/** `file_sign` of an upload: from the callback if it says, else from the ticket's download URL. */
export function fileSignOf(
  ticket: Ticket | undefined,
  callback: Record<string, unknown>,
): string | undefined {
  for (const key of ['file_sign', 'fileSign']) {
    const value = callback[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return ticket === undefined ? undefined : searchParamOf(ticket.download_url, 'file_sign');
}

/** The storage key: the ticket's `key` field, else the avatar download URL's `object_name`. */
export function objectKeyOf(ticket: Ticket): string | undefined {
  return ticketField(ticket, 'key') ?? searchParamOf(ticket.download_url, 'object_name');
}

function searchParamOf(url: string, name: string): string | undefined {
  try {
    return new URL(url, 'http://relative.invalid').searchParams.get(name) || undefined;
  } catch {
    return undefined;
  }
}
