import { z } from 'zod';
import { easemobCatalog } from '../../../shared/catalog/easemob.ts';
import type { HistoryDetails, LinkView } from '../../../shared/models.ts';
import { httpStatusFailure, requestFailure } from '../../net/http-failure.ts';
import { UploadError } from '../../net/upload-error.ts';
import { multipartFileForm } from '../multipart-form.ts';
import { parseAccountConfig } from '../account-config.ts';
import type { LocalFile, Provider, StepContext, StepResult } from '../provider.ts';
import { AppTokenCache, type AppCredentials } from './app-token.ts';
import {
  appPath,
  chatfileMaxBytes,
  chatfileRequestsPerSecond,
  chatfileUploadResponseSchema,
  defaultThumbnailEdge,
  easemobFileTypeOf,
  parseEasemobError,
  type EasemobError,
} from './chatfiles-protocol.ts';
import { imageDimensions } from './image-dimensions.ts';

/** Form fields arrive as strings; an empty one means "not set", so the default applies. */
const unset = (value: unknown) => (value === '' ? undefined : value);

export const easemobConfigSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  orgName: z.string().min(1),
  appName: z.string().min(1),
  clientId: z.string().min(1),
  restrictAccess: z
    .preprocess(unset, z.enum(['true', 'false']).default('true'))
    .transform((v) => v === 'true'),
  thumbnailWidth: z.preprocess(unset, z.coerce.number().int().positive().default(defaultThumbnailEdge)),
  thumbnailHeight: z.preprocess(unset, z.coerce.number().int().positive().default(defaultThumbnailEdge)),
});
export type EasemobConfig = z.infer<typeof easemobConfigSchema>;

/**
 * Easemob's upload is one multipart POST with nothing to resume, so the session only carries what was
 * learnt locally before the upload: the picture's size for the image message body.
 */
export const easemobSessionSchema = z.object({
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type EasemobSession = z.infer<typeof easemobSessionSchema>;

/** Shared by every Easemob account of this process; keyed by credentials inside. */
const appTokens = new AppTokenCache();

function credentialsOf(ctx: Pick<StepContext<EasemobConfig>, 'config' | 'secrets'>): AppCredentials {
  const clientSecret = ctx.secrets.clientSecret;
  if (!clientSecret) {
    throw new UploadError({ code: 'account-invalid', message: 'This Easemob account has no client secret.' });
  }
  const { baseUrl, orgName, appName, clientId } = ctx.config;
  return { baseUrl, orgName, appName, clientId, clientSecret };
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${mib >= 1 ? `${mib.toFixed(mib >= 100 ? 0 : 1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`} (${bytes.toLocaleString('en-US')} bytes)`;
}

function tooLarge(size: number, easemob?: EasemobError): UploadError {
  return new UploadError(
    {
      code: 'file-too-large',
      message: `The file is ${formatBytes(size)}; Easemob accepts at most ${formatBytes(chatfileMaxBytes)} per file.`,
      providerCode: easemob?.error,
      providerMessage: easemob?.error_description,
    },
    { retryable: false },
  );
}

function malformed(detail: string): UploadError {
  return new UploadError(
    { code: 'malformed-response', message: `Easemob sent an answer Ferry cannot read: ${detail}` },
    { retryable: true },
  );
}

/** Easemob's words when it said something, else the generic HTTP failure. */
function statusFailure(
  status: number,
  body: string,
  retryAfter: string | undefined,
  easemob: EasemobError | undefined,
): UploadError {
  const generic = httpStatusFailure(status, body, retryAfter);
  if (easemob === undefined) return generic;
  const words = easemob.error_description ?? easemob.error ?? '';
  if (generic.retryable) {
    // 429 reach_limit ("This request has reached api limit"), 5xx: another attempt, after Retry-After.
    return new UploadError(
      {
        code: 'http-status',
        message: `Easemob answered HTTP ${status}${words ? `: ${words}` : ''}`,
        providerCode: easemob.error,
        providerMessage: easemob.error_description,
      },
      { retryable: true, retryAfterSeconds: generic.retryAfterSeconds },
    );
  }
  // 400 illegal_argument and other refusals: the same request would be refused again.
  return new UploadError(
    {
      code: 'provider-rejected',
      message: `Easemob refused the upload (HTTP ${status}${easemob.error ? ` ${easemob.error}` : ''})${words ? `: ${words}` : ''}`,
      providerCode: easemob.error,
      providerMessage: easemob.error_description,
    },
    { retryable: false },
  );
}

interface PostOutcome {
  status: number;
  body: string;
  retryAfter: string | undefined;
}

async function postChatfile(
  ctx: StepContext<EasemobConfig>,
  file: LocalFile,
  token: string,
): Promise<PostOutcome> {
  const { config } = ctx;
  const form = multipartFileForm({ fields: [], fileField: 'file', file });
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: 'application/json',
    ...form.headers,
  };
  if (config.restrictAccess) headers['restrict-access'] = 'true';
  // Thumbnails only exist for pictures; the seed says not to send the sizes for a video.
  if (file.mimeType.startsWith('image/')) {
    headers['thumbnail-width'] = String(config.thumbnailWidth);
    headers['thumbnail-height'] = String(config.thumbnailHeight);
  }
  try {
    const request = ctx.http.post(`${appPath(config.baseUrl, config.orgName, config.appName)}/chatfiles`, {
      body: form.body,
      headers,
      signal: ctx.signal,
      throwHttpErrors: false,
      responseType: 'text',
    });
    request.on('uploadProgress', (progress: { transferred: number }) => {
      ctx.onBytesSent(form.fileBytes(progress.transferred));
    });
    const response = await request;
    return {
      status: response.statusCode,
      body: response.body,
      retryAfter: response.headers['retry-after'],
    };
  } catch (error) {
    void form.body.return(undefined);
    throw requestFailure(error, ctx.signal);
  }
}

/**
 * Easemob chat files (docs/providers.md#easemob): an app token from the client credentials, then one
 * streamed multipart POST to `/{org}/{app}/chatfiles`. The 10 MB limit is checked before any byte leaves;
 * a rejected token (401) is replaced once and the upload sent again, then the account's credentials
 * are reported as rejected.
 */
export const easemobProvider: Provider<EasemobConfig, EasemobSession> = {
  id: 'easemob',
  capabilities: {
    resumable: false,
    // The link carries its share-secret, the documented form for links in messages and callbacks.
    linkAccess: 'public',
    maxFileSize: chatfileMaxBytes,
    requestsPerSecond: chatfileRequestsPerSecond,
    // Every POST makes a new chat file with a uuid of the server's, and no call finds one by anything else.
    repeatStoresAgain: true,
  },

  parseConfig(fields) {
    return parseAccountConfig(easemobCatalog, easemobConfigSchema, fields);
  },

  parseSession(value) {
    return easemobSessionSchema.parse(value);
  },

  async startSession(_ctx, file) {
    // Before anything touches the network: a file over the limit would only be refused after
    // all of its bytes had gone up.
    if (file.size > chatfileMaxBytes) throw tooLarge(file.size);
    if (!file.mimeType.startsWith('image/')) return {};
    return (await imageDimensions(file.path)) ?? {};
  },

  async step(
    ctx: StepContext<EasemobConfig>,
    file: LocalFile,
    session: EasemobSession,
  ): Promise<StepResult<EasemobSession>> {
    if (file.size > chatfileMaxBytes) throw tooLarge(file.size);
    const credentials = credentialsOf(ctx);

    let token = await appTokens.get(ctx.http, credentials, ctx.signal);
    let outcome = await postChatfile(ctx, file, token);
    if (outcome.status === 401) {
      // Expired (`unauthorized`) or unknown (`auth_bad_access_token`): one new token, one more try.
      appTokens.invalidate(credentials, token);
      token = await appTokens.get(ctx.http, credentials, ctx.signal);
      outcome = await postChatfile(ctx, file, token);
      if (outcome.status === 401) {
        appTokens.invalidate(credentials, token);
        const easemob = parseEasemobError(outcome.body);
        const words = easemob?.error_description ?? easemob?.error ?? 'HTTP 401';
        throw new UploadError(
          {
            code: 'credentials-rejected',
            message: `Easemob refused a freshly issued app token: ${words}`,
            providerCode: easemob?.error,
            providerMessage: easemob?.error_description,
          },
          { retryable: false },
        );
      }
    }

    if (outcome.status !== 200) {
      const easemob = parseEasemobError(outcome.body);
      // The limit may be raised for an app ("若要提升该上限，请联系商务") or lowered: the server's word wins.
      if (outcome.status === 413) throw tooLarge(file.size, easemob);
      throw statusFailure(outcome.status, outcome.body, outcome.retryAfter, easemob);
    }

    let json: unknown;
    try {
      json = JSON.parse(outcome.body);
    } catch {
      throw malformed('the body is not JSON');
    }
    const parsed = chatfileUploadResponseSchema.safeParse(json);
    if (!parsed.success) throw malformed(z.prettifyError(parsed.error));
    const entity = parsed.data.entities[0]!;
    const shareSecret = entity['share-secret'];
    const uri =
      parsed.data.uri ?? `${appPath(ctx.config.baseUrl, ctx.config.orgName, ctx.config.appName)}/chatfiles`;
    const fileUrl = `${uri.replace(/\/+$/, '')}/${encodeURIComponent(entity.uuid)}`;

    // Links cannot carry Easemob's `thumbnail: true` request header, so there is no thumbnail link:
    // a `small` link would download the original. Message bodies need no thumbnail URL for images.
    const downloadUrl =
      ctx.config.restrictAccess && shareSecret
        ? `${fileUrl}?share-secret=${encodeURIComponent(shareSecret)}`
        : fileUrl;
    const link: LinkView = { kind: 'download', url: downloadUrl, size: file.size };
    if (session.width && session.height) {
      link.width = session.width;
      link.height = session.height;
    }

    const details: HistoryDetails = {
      uuid: entity.uuid,
      url: fileUrl,
      type: easemobFileTypeOf(file.mimeType),
      fileName: file.remoteName ?? file.name,
      fileLength: file.size,
      restrictAccess: ctx.config.restrictAccess,
    };
    if (shareSecret) details.shareSecret = shareSecret;
    if (session.width && session.height) {
      details.width = session.width;
      details.height = session.height;
    }
    return { kind: 'done', session, result: { remoteId: entity.uuid, links: [link], details } };
  },

  async testConnection(ctx) {
    await appTokens.refresh(ctx.http, credentialsOf(ctx), ctx.signal);
  },
};
