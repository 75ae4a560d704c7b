import { z } from 'zod';
import { imFileApiCatalog } from '../../../shared/catalog/im-file-api.ts';
import { requestFailure } from '../../net/http-failure.ts';
import { UploadError } from '../../net/upload-error.ts';
import { fileBody } from '../file-body.ts';
import { multipartFileForm } from '../multipart-form.ts';
import { parseAccountConfig } from '../account-config.ts';
import type { LocalFile, Provider, StepContext, StepResult } from '../provider.ts';
import {
  classifyStorageAnswer,
  fileSignOf,
  fileTypeFor,
  imUrl,
  objectKeyOf,
  requestTicket,
  ticketField,
  ticketLimitsOf,
  ticketSchema,
  toTypes,
  type ImRequestContext,
  type StorageAnswer,
  type Ticket,
  type TicketTarget,
} from './im-file-protocol.ts';

/** Empty form fields mean "not set". */
const optionalText = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().trim().optional(),
);

export const imFileApiConfigSchema = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/ }),
    appId: z.string().trim().min(1),
    userId: optionalText,
    groupId: optionalText,
    targetKind: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z.enum(['chat', 'user-avatar', 'group-avatar']).default('chat'),
    ),
    toId: optionalText,
    toType: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .enum(['user', 'group', '1', '2'])
        .default('user')
        .transform((value) => (value === 'group' || value === '2' ? toTypes.group : toTypes.user)),
    ),
    sharedFile: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .enum(['true', 'false'])
        .default('false')
        .transform((value) => value === 'true'),
    ),
  })
  .superRefine((config, issues) => {
    if (config.targetKind !== 'user-avatar' && config.toId === undefined) {
      issues.addIssue({
        code: 'custom',
        path: ['toId'],
        message:
          config.targetKind === 'chat'
            ? 'a recipient id (to_id) is needed for chat files'
            : 'the group id is needed for a group avatar',
      });
    }
  });
export type ImFileApiConfig = z.infer<typeof imFileApiConfigSchema>;

/**
 * The ticket is journaled before the body is sent, so a retry (or a resume after a crash) posts to
 * the same object key and overwrites whatever a lost answer left there: never a second object.
 */
export const imFileApiSessionSchema = z.object({
  ticket: ticketSchema.nullable(),
  /** Tickets the storage called expired so far; bounded, since a skewed clock would loop forever. */
  renewals: z.number().int().nonnegative(),
});
export type ImFileApiSession = z.infer<typeof imFileApiSessionSchema>;

const maxTicketRenewals = 3;
/**
 * A ticket this close to its expiry is renewed before the file goes out: the store holds the policy
 * against its clock only once the form has reached it. Small, since tickets may live only a minute.
 */
const expiryMarginMs = 1000;

type ImContext = Pick<StepContext<ImFileApiConfig>, 'config' | 'secrets' | 'http' | 'signal'>;

export function imRequestContext(ctx: ImContext): ImRequestContext {
  const accessToken = ctx.secrets.accessToken;
  if (!accessToken) {
    throw new UploadError(
      { code: 'credentials-rejected', message: 'This account has no access token: log in and paste one.' },
      { retryable: false },
    );
  }
  const { baseUrl, appId, userId, groupId } = ctx.config;
  return { access: { baseUrl, appId, accessToken, userId, groupId }, http: ctx.http, signal: ctx.signal };
}

function ticketTarget(config: ImFileApiConfig, mimeType: string): TicketTarget {
  switch (config.targetKind) {
    case 'chat':
      return {
        kind: 'chat',
        fileType: fileTypeFor(mimeType, config.sharedFile),
        toId: config.toId!,
        toType: config.toType,
      };
    case 'user-avatar':
      return { kind: 'user-avatar' };
    case 'group-avatar':
      return { kind: 'group-avatar', groupId: config.toId! };
  }
}

/**
 * The IM file API (docs/providers.md#im-file-api): a ticket from the IM server, then one streamed POST (or
 * PUT) of the whole file to object storage. Not resumable: a failed transfer is sent again from the first
 * byte.
 */
export const imFileApiProvider: Provider<ImFileApiConfig, ImFileApiSession> = {
  id: 'im-file-api',
  // The download URL redirects to storage only for a request with app_id and access-token headers.
  capabilities: { resumable: false, linkAccess: 'with-headers' },

  parseConfig(fields) {
    return parseAccountConfig(imFileApiCatalog, imFileApiConfigSchema, fields);
  },

  parseSession(value) {
    return imFileApiSessionSchema.parse(value);
  },

  async startSession() {
    // No network here: the engine retries steps, not session starts, and a ticket request can fail.
    return { ticket: null, renewals: 0 };
  },

  async step(
    ctx: StepContext<ImFileApiConfig>,
    file: LocalFile,
    session: ImFileApiSession,
  ): Promise<StepResult<ImFileApiSession>> {
    const target = ticketTarget(ctx.config, file.mimeType);
    if (session.ticket === null) {
      const ticket = await requestTicket(imRequestContext(ctx), target);
      return { kind: 'progress', session: { ...session, ticket }, committedBytes: 0 };
    }

    const ticket = session.ticket;
    const limits = ticketLimitsOf(ticket);
    checkSize(file, limits);
    // A journaled ticket may have expired while the task waited (a retry, a restart): a new one costs
    // a small request, sending on the old one the whole file. Past the renewal budget the clock here
    // is suspect, so the store decides.
    if (
      limits.expiresAt !== undefined &&
      limits.expiresAt <= Date.now() + expiryMarginMs &&
      session.renewals < maxTicketRenewals
    ) {
      return {
        kind: 'progress',
        session: { ticket: null, renewals: session.renewals + 1 },
        committedBytes: 0,
      };
    }
    const answer = await sendToStorage(ctx, file, ticket);
    if (answer.kind === 'ticket-expired') {
      if (session.renewals >= maxTicketRenewals) {
        throw new UploadError(
          {
            code: 'provider-rejected',
            message: `The storage called ${maxTicketRenewals + 1} upload tickets in a row expired; check this computer's clock.`,
            providerMessage: answer.providerMessage,
          },
          { retryable: false },
        );
      }
      return {
        kind: 'progress',
        session: { ticket: null, renewals: session.renewals + 1 },
        committedBytes: 0,
      };
    }

    const fileSign = fileSignOf(ticket, answer.callback);
    const { identity, warning } = answer;
    const key = identity.key ?? objectKeyOf(ticket);
    const downloadUrl = imUrl(ctx.config.baseUrl, ticket.download_url).href;
    return {
      kind: 'done',
      session,
      result: {
        remoteId: fileSign ?? key ?? downloadUrl,
        links: [{ kind: 'download', url: downloadUrl, size: file.size }],
        details: {
          target: target.kind,
          ...(target.kind === 'chat' ? { fileType: target.fileType } : {}),
          ...(fileSign ? { fileSign } : {}),
          ...(key ? { key } : {}),
          ...(identity.etag ? { etag: identity.etag } : {}),
          ...(warning ? { storageWarning: warning } : {}),
        },
      },
    };
  },

  async testConnection(ctx) {
    // A ticket is the cheapest authenticated request; an unused one simply expires.
    await requestTicket(imRequestContext(ctx), ticketTarget(ctx.config, 'application/octet-stream'));
  },
};

/** A file outside the ticket's content-length-range fails before its first byte: the store would refuse it. */
function checkSize(file: LocalFile, limits: { minBytes?: number; maxBytes?: number }): void {
  if (limits.maxBytes !== undefined && file.size > limits.maxBytes) {
    throw new UploadError(
      {
        code: 'file-too-large',
        message: `The file (${sizeText(file.size)}) is larger than this IM server's upload ticket allows: at most ${sizeText(limits.maxBytes)}.`,
      },
      { retryable: false },
    );
  }
  if (limits.minBytes !== undefined && file.size < limits.minBytes) {
    throw new UploadError(
      {
        code: 'provider-rejected',
        message: `The file (${sizeText(file.size)}) is smaller than this IM server's upload ticket allows: at least ${sizeText(limits.minBytes)}.`,
      },
      { retryable: false },
    );
  }
}

function sizeText(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = '';
  for (const next of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return unit === '' ? `${bytes} bytes` : `${Number(value.toFixed(2))} ${unit} (${bytes} bytes)`;
}

/** Step 2: the whole file, streamed, to the pre-signed destination of the ticket. */
async function sendToStorage(
  ctx: StepContext<ImFileApiConfig>,
  file: LocalFile,
  ticket: Ticket,
): Promise<StorageAnswer> {
  let request;
  let fileBytes = (transferred: number) => Math.min(file.size, transferred);
  let readFailure = (): unknown => undefined;
  if (ticket.upload_method === 'PUT') {
    // (guess) a pre-signed PUT takes the raw bytes; fields of the ticket, if any, travel as headers.
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(ticket.oss_body_param)) headers[name.toLowerCase()] = value;
    headers['content-type'] = ticketField(ticket, 'content-type') ?? file.mimeType;
    headers['content-length'] = String(file.size);
    const body = fileBody(file, 0, file.size, { completesUpload: true });
    readFailure = body.readFailure;
    request = ctx.http.put(ticket.upload_url, {
      body: file.size === 0 ? '' : body.chunks,
      headers,
      signal: ctx.signal,
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
  } else {
    const fields = Object.entries(ticket.oss_body_param).filter(([name]) => name.toLowerCase() !== 'file');
    const form = multipartFileForm({ fields, fileField: 'file', file });
    fileBytes = form.fileBytes;
    request = ctx.http.post(ticket.upload_url, {
      body: form.body,
      headers: form.headers,
      signal: ctx.signal,
      throwHttpErrors: false,
      followRedirect: false,
      responseType: 'text',
    });
  }
  request.on('uploadProgress', (progress: { transferred: number }) => {
    ctx.onBytesSent(fileBytes(progress.transferred));
  });
  let response;
  try {
    response = await request;
  } catch (error) {
    throw readFailure() ?? requestFailure(error, ctx.signal);
  }
  return classifyStorageAnswer(response.statusCode, response.body, {
    retryAfter: response.headers['retry-after'],
    etag: response.headers.etag,
  });
}
