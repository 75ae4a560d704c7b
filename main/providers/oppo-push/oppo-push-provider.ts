import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { oppoPushCatalog } from '../../../shared/catalog/oppo-push.ts';
import type { LinkView } from '../../../shared/models.ts';
import { httpStatusFailure, requestFailure } from '../../net/http-failure.ts';
import { parseRetryAfter } from '../../net/retry-after.ts';
import { UploadError } from '../../net/upload-error.ts';
import { describeAnswer } from '../answer-shape.ts';
import { parseAccountConfig } from '../account-config.ts';
import type { LocalFile, Provider, RemoteResult, StepContext, StepResult } from '../provider.ts';
import { ensureDerivative, removeWorkDir } from './derivative-files.ts';
import {
  basicAuthorization,
  defaultBaseUrl,
  errorEnvelopeSchema,
  imagePath,
  pictureSpecs,
  pushApiFailure,
  successSchema,
  type PictureRole,
} from './oppo-push-protocol.ts';

/** An empty form field means "use the default", not "an empty value". */
const blankAsUnset = (value: unknown) => (value === '' ? undefined : value);

export const oppoPushConfigSchema = z.object({
  baseUrl: z.preprocess(blankAsUnset, z.url({ protocol: /^https?$/ }).default(defaultBaseUrl)),
  appKey: z.string().min(1, 'AppKey is required'),
  /** The account the derivatives are uploaded through; its links must be public (OPPO fetches them). */
  storageAccountId: z.string().min(1, 'a storage account is required'),
  pictures: z.preprocess(blankAsUnset, z.enum(['big', 'small', 'both']).default('both')),
  format: z.preprocess(blankAsUnset, z.enum(['jpeg', 'png']).default('jpeg')),
  /** Where the cover crop keeps the picture: centred, or around what draws the eye (derivative.ts). */
  crop: z.preprocess(blankAsUnset, z.enum(['centre', 'attention']).default('centre')),
});
export type OppoPushConfig = z.infer<typeof oppoPushConfigSchema>;

const pictureStateSchema = z.object({
  role: z.enum(['big', 'small']),
  /** Encoded size of the derivative, known once it is made. */
  bytes: z.number().int().positive().optional(),
  /** Its public URL once the storage account has it: from then on it is never uploaded again. */
  url: z.string().optional(),
});
type PictureState = z.infer<typeof pictureStateSchema>;

/**
 * One registration, journaled after each phase: derive (make the derivatives) → verify (the push API
 * takes the credentials) → store (upload each through the storage account, one per step) → register
 * (hand the URLs to the push API) → done.
 */
export const oppoPushSessionSchema = z.object({
  phase: z.enum(['derive', 'verify', 'store', 'register', 'done']),
  /** Names the temporary folder of this session's derivatives. */
  workId: z.uuid(),
  format: z.enum(['jpeg', 'png']),
  /** Sessions journaled before the choice existed were cropped by attention: a resume makes the same. */
  crop: z.enum(['centre', 'attention']).default('attention'),
  pictures: z.array(pictureStateSchema).min(1).max(2),
  bigPictureId: z.string().optional(),
  smallPictureId: z.string().optional(),
});
export type OppoPushSession = z.infer<typeof oppoPushSessionSchema>;

function rolesOf(pictures: OppoPushConfig['pictures']): PictureRole[] {
  return pictures === 'both' ? ['big', 'small'] : [pictures];
}

/**
 * Progress in source-file bytes, by phase: the engine only knows bytes, and each finished phase must
 * count as progress so it earns a fresh set of retries for the next.
 */
function committedAfter(session: OppoPushSession, size: number): number {
  const units = 3 + session.pictures.length; // derive, verify, each store, register
  const stored = session.pictures.filter((picture) => picture.url !== undefined).length;
  const done = { derive: 0, verify: 1, store: 2 + stored, register: 2 + stored, done: units }[session.phase];
  return Math.floor((size * done) / units);
}

function progress(session: OppoPushSession, file: LocalFile): StepResult<OppoPushSession> {
  return { kind: 'progress', session, committedBytes: committedAfter(session, file.size) };
}

/**
 * OPPO big picture / small icon registration through the push service's v4 Image API
 * (docs/providers.md#oppo-push-pictures). The API takes URLs, not bytes, so a file goes through a pipeline:
 * exact-size derivatives made with sharp, uploaded through a storage account whose links are public, then
 * registered; the picture ids land in the history entry.
 */
export const oppoPushProvider: Provider<OppoPushConfig, OppoPushSession> = {
  id: 'oppo-push',
  // Its links are its storage account's: it registers pictures and keeps none.
  capabilities: { resumable: true, requestsPerSecond: 500, linkAccess: 'none' },

  parseConfig(fields) {
    return parseAccountConfig(oppoPushCatalog, oppoPushConfigSchema, fields);
  },

  parseSession(value) {
    return oppoPushSessionSchema.parse(value);
  },

  async startSession(ctx) {
    return {
      phase: 'derive',
      workId: randomUUID(),
      format: ctx.config.format,
      crop: ctx.config.crop,
      pictures: rolesOf(ctx.config.pictures).map((role) => ({ role })),
    };
  },

  async step(ctx, file, session) {
    switch (session.phase) {
      case 'derive':
        return progress({ ...session, phase: 'verify', pictures: await derive(ctx, file, session) }, file);
      case 'verify':
        await verifyCredentials(ctx);
        return progress({ ...session, phase: 'store' }, file);
      case 'store':
        return progress(await withLeftovers(session, () => storeNext(ctx, file, session)), file);
      case 'register': {
        const ids = await withLeftovers(session, () => register(ctx, session.pictures));
        const done: OppoPushSession = { ...session, ...ids, phase: 'done' };
        await removeWorkDir(session.workId).catch(() => undefined); // temporary files; the ids matter
        return { kind: 'done', session: done, result: resultOf(done) };
      }
      case 'done':
        return { kind: 'done', session, result: resultOf(session) };
    }
  },

  async abort(_ctx, session) {
    await removeWorkDir(session.workId);
  },

  /** The same check an upload makes before its first picture leaves; the storage account is not tested. */
  async testConnection(ctx) {
    await verifyCredentials(ctx);
  },
};

/** Codes that show the service read the request past its Basic auth, so the credentials are good. */
const passedAuth = new Set(['23002', '21003', '51']);

/**
 * The API has no read-only call, so this posts an empty registration: with the right credentials
 * the service answers 23002 "Missing parameter!" and registers nothing; with wrong ones, 23001. Made
 * before any picture is uploaded, so a wrong secret leaves nothing behind on the storage account.
 * That assumes the service checks Basic auth before the body **(guess)**, as the card's order of
 * codes and ordinary gateways do; were it the other way round, a wrong secret would show only at
 * the registration, as it did before this check existed.
 */
async function verifyCredentials(ctx: Omit<StepContext<OppoPushConfig>, 'onBytesSent'>): Promise<void> {
  try {
    await register(ctx, []);
  } catch (error) {
    if (error instanceof UploadError && passedAuth.has(error.view.providerCode ?? '')) return;
    throw error;
  }
}

/**
 * A failure once pictures are on the storage account says where they are: OPPO never saw them, and
 * the storage account keeps them until someone removes them. Their URLs are named without the query,
 * which may carry a signature.
 */
async function withLeftovers<T>(session: OppoPushSession, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const stored = session.pictures.filter((picture) => picture.url !== undefined);
    if (!(error instanceof UploadError) || stored.length === 0 || error.view.code === 'cancelled')
      throw error;
    const where = stored.map((picture) => `the ${picture.role} picture at ${withoutQuery(picture.url!)}`);
    throw new UploadError(
      {
        ...error.view,
        message: `${error.view.message} Already uploaded, and left on the storage account: ${where.join(' and ')}.`,
      },
      { retryable: error.retryable, retryAfterSeconds: error.retryAfterSeconds, cause: error },
    );
  }
}

/** A URL to name in a message: without its query or fragment, which may carry a signature. */
export function withoutQuery(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    // `s`: a line break after the `?` must not leave the rest of the query in the message.
    return url.replace(/[?#].*$/s, '');
  }
}

/** Make every derivative now: a source that cannot become one fails before anything is uploaded. */
async function derive(
  ctx: StepContext<OppoPushConfig>,
  file: LocalFile,
  session: OppoPushSession,
): Promise<PictureState[]> {
  const pictures: PictureState[] = [];
  for (const picture of session.pictures) {
    const made = await ensureDerivative(session.workId, file.path, picture.role, session.format, {
      position: session.crop,
      signal: ctx.signal,
      // Encoding is CPU work with no bytes on the wire: tell the stall watchdog it is not a stall.
      onEncoded: () => ctx.onBytesSent(0),
    });
    pictures.push({ ...picture, bytes: made.bytes });
  }
  return pictures;
}

/** Upload the next derivative without a URL through the storage account, and keep its public link. */
async function storeNext(
  ctx: StepContext<OppoPushConfig>,
  file: LocalFile,
  session: OppoPushSession,
): Promise<OppoPushSession> {
  const index = session.pictures.findIndex((picture) => picture.url === undefined);
  if (index === -1) return { ...session, phase: 'register' };
  const picture = session.pictures[index]!;
  const { storageAccountId } = ctx.config;
  if (!ctx.uploadVia) {
    throw UploadError.of(
      'account-invalid',
      "This OPPO push account is being used as another one's storage account; choose a storage account whose uploads have public links (S3, Tencent IM, ...).",
    );
  }
  // Made again here if a resumed session finds the temporary file gone.
  const derivative = await ensureDerivative(session.workId, file.path, picture.role, session.format, {
    position: session.crop,
    signal: ctx.signal,
    onEncoded: () => ctx.onBytesSent(0),
  });

  let stored: RemoteResult;
  try {
    stored = await ctx.uploadVia(storageAccountId, derivative.path, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted || !(error instanceof UploadError)) throw error;
    if (error.view.code === 'account-not-found') {
      throw UploadError.of(
        'account-not-found',
        `The storage account "${storageAccountId}" of this OPPO push account does not exist (any more): ` +
          'OPPO needs the pictures at public URLs, so set Storage account to an account whose links are public.',
      );
    }
    // The storage upload already had its own retries; failing here keeps them from multiplying.
    throw new UploadError(
      {
        ...error.view,
        message: `Uploading the ${picture.role} picture through the storage account failed: ${error.view.message}`,
      },
      { retryable: false, cause: error },
    );
  }
  const url = publicLinkOf(stored);
  if (url === undefined) {
    throw UploadError.of(
      'account-invalid',
      `The storage account "${storageAccountId}" gave no http(s) link for the picture; OPPO fetches pictures by URL, so it needs an account whose uploads have public links.`,
    );
  }
  const pictures = session.pictures.map((entry, i) =>
    i === index ? { ...entry, bytes: derivative.bytes, url } : entry,
  );
  return {
    ...session,
    pictures,
    phase: pictures.every((entry) => entry.url !== undefined) ? 'register' : 'store',
  };
}

function publicLinkOf(result: RemoteResult): string | undefined {
  const byPreference = ['original', 'download', 'large', 'small'] as const;
  for (const kind of byPreference) {
    const link = result.links.find(
      (candidate) => candidate.kind === kind && /^https?:\/\//i.test(candidate.url),
    );
    if (link) return link.url;
  }
  return undefined;
}

/** POST the picture URLs; resolves with the picture ids or throws the push API's reason. */
async function register(
  ctx: Omit<StepContext<OppoPushConfig>, 'onBytesSent'>,
  pictures: readonly PictureState[],
): Promise<Pick<OppoPushSession, 'bigPictureId' | 'smallPictureId'>> {
  const { config } = ctx;
  const body = Object.fromEntries(
    pictures.map((picture) => [pictureSpecs[picture.role].urlField, picture.url]),
  );
  let response;
  try {
    response = await ctx.http.post(new URL(imagePath, withTrailingSlash(config.baseUrl)), {
      headers: { authorization: basicAuthorization(config.appKey, ctx.secrets.masterSecret ?? '') },
      json: body,
      signal: ctx.signal,
      throwHttpErrors: false,
      responseType: 'text',
    });
  } catch (error) {
    throw requestFailure(error, ctx.signal);
  }

  const retryAfter = response.headers['retry-after'];
  const status = response.statusCode;
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    if (status !== 200) throw httpStatusFailure(status, response.body, retryAfter);
    // Cut off or garbled on the way (a proxy, a dropped connection): another attempt may read it whole.
    throw malformed(`HTTP 200 with ${describeAnswer(response.body)}`, true);
  }
  // Errors come in one envelope, and OPPO's own refusal (51) with HTTP 200: check it before the status.
  const envelope = errorEnvelopeSchema.safeParse(json);
  if (envelope.success) {
    const { code, message } = envelope.data.error;
    throw pushApiFailure(code, message, response.statusCode, parseRetryAfter(retryAfter));
  }
  if (status !== 200) throw httpStatusFailure(status, response.body, retryAfter);
  // JSON that is whole but not what the card promises can never turn into ids: asking again would
  // only get the same answer, so it fails at once.
  const answer = successSchema.safeParse(json);
  if (!answer.success) {
    throw malformed(`HTTP 200 with ${describeAnswer(response.body)}, not the picture ids`, false);
  }

  const ids: Pick<OppoPushSession, 'bigPictureId' | 'smallPictureId'> = {};
  for (const picture of pictures) {
    const id = picture.role === 'big' ? answer.data.big_picture_id : answer.data.small_picture_id;
    if (!id) {
      throw malformed(
        `HTTP 200 with ${describeAnswer(response.body)}, without ${pictureSpecs[picture.role].idField}`,
        false,
      );
    }
    if (picture.role === 'big') ids.bigPictureId = id;
    else ids.smallPictureId = id;
  }
  return ids;
}

function resultOf(session: OppoPushSession): RemoteResult {
  const links: LinkView[] = session.pictures.flatMap((picture): LinkView[] => {
    if (picture.url === undefined) return [];
    const { width, height } = pictureSpecs[picture.role];
    const link: LinkView = {
      kind: picture.role === 'big' ? 'large' : 'small',
      url: picture.url,
      width,
      height,
    };
    if (picture.bytes !== undefined) link.size = picture.bytes;
    return [link];
  });
  const details: Record<string, string> = {};
  const big = session.pictures.find((picture) => picture.role === 'big');
  const small = session.pictures.find((picture) => picture.role === 'small');
  if (session.bigPictureId) details.bigPictureId = session.bigPictureId;
  if (session.smallPictureId) details.smallPictureId = session.smallPictureId;
  if (big?.url) details.bigPictureUrl = big.url;
  if (small?.url) details.smallPictureUrl = small.url;
  const remoteId = [session.bigPictureId, session.smallPictureId].filter(Boolean).join(',');
  return { remoteId, links, details };
}

function malformed(detail: string, retryable: boolean): UploadError {
  return new UploadError(
    { code: 'malformed-response', message: `The push API sent an answer Ferry cannot use: ${detail}.` },
    { retryable },
  );
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
