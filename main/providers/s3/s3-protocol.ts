import { z } from 'zod';
import { isRetryableStatus } from '../../net/http-failure.ts';
import { parseRetryAfter } from '../../net/retry-after.ts';
import { UploadError } from '../../net/upload-error.ts';
import { childrenOf, childText, escapeXmlText, parseXml, XmlSyntaxError } from './xml.ts';
import type { XmlElement } from './xml.ts';

/** S3 error codes that mean the account's keys (or their permissions) are wrong: no retry helps. */
const credentialCodes = new Set([
  'AccessDenied',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
]);
/** Codes S3 documents as "try again", whatever HTTP status carried them. */
const retryableCodes = new Set([
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
  'OperationAborted',
]);

export interface S3ErrorBody {
  code: string;
  message: string | undefined;
}

export function malformedS3(detail: string): UploadError {
  return new UploadError(
    { code: 'malformed-response', message: `The S3 server sent an answer Ferry cannot read: ${detail}` },
    { retryable: true },
  );
}

function parseDocument(body: string): XmlElement {
  try {
    return parseXml(body);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw malformedS3(error.message);
    throw error;
  }
}

/** The <Error> document S3 answers failures with, if the body is one. */
export function parseS3Error(body: string): S3ErrorBody | undefined {
  if (!body.includes('<Error')) return undefined;
  let root: XmlElement;
  try {
    root = parseXml(body);
  } catch {
    return undefined;
  }
  if (root.name !== 'Error') return undefined;
  const code = childText(root, 'Code');
  if (!code) return undefined;
  return { code, message: childText(root, 'Message') || undefined };
}

/**
 * Turn an S3 failure into what the engine acts on. `fallbackCode` names the failure when S3 cannot
 * send a body (HEAD requests) or sent none.
 */
export function s3Failure(
  status: number,
  body: string,
  retryAfter?: string,
  fallbackCode?: string,
): UploadError {
  const error = describeFailure(status, body, retryAfter, fallbackCode);
  const code = error.view.providerCode;
  if (status === 429 || status === 503 || code === 'SlowDown' || error.retryAfterSeconds !== undefined) {
    throttles.add(error);
  }
  return error;
}

function describeFailure(
  status: number,
  body: string,
  retryAfter: string | undefined,
  fallbackCode: string | undefined,
): UploadError {
  const parsed =
    parseS3Error(body) ?? (fallbackCode ? { code: fallbackCode, message: undefined } : undefined);
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  if (!parsed) {
    const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 200);
    return new UploadError(
      {
        code: 'http-status',
        message: `The S3 server answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`,
      },
      { retryable: isRetryableStatus(status), retryAfterSeconds },
    );
  }
  const { code, message } = parsed;
  const said = `${code}${message ? `: ${message}` : ''}`;
  const provider = { providerCode: code, providerMessage: message };
  if (credentialCodes.has(code)) {
    return new UploadError(
      {
        code: 'credentials-rejected',
        message: `The S3 server refused the account's keys (${said})`,
        ...provider,
      },
      { retryable: false },
    );
  }
  const retryable = retryableCodes.has(code) || isRetryableStatus(status);
  if (retryable) {
    return new UploadError(
      {
        code: 'http-status',
        message: `The S3 server is busy or failing (HTTP ${status}, ${said})`,
        ...provider,
      },
      { retryable: true, retryAfterSeconds },
    );
  }
  return new UploadError(
    { code: 'provider-rejected', message: `The S3 server refused the request (${said})`, ...provider },
    { retryable: false },
  );
}

/** Failures that ask the client to slow down: the engine's backoff (and Retry-After) must apply. */
const throttles = new WeakSet<UploadError>();

export function isThrottle(error: unknown): boolean {
  return error instanceof UploadError && throttles.has(error);
}

export function isS3ErrorCode(error: unknown, code: string): boolean {
  return error instanceof UploadError && error.view.providerCode === code;
}

function expectRoot(body: string, name: string): XmlElement {
  const root = parseDocument(body);
  if (root.name === 'Error') throw s3Failure(200, body);
  if (root.name !== name) throw malformedS3(`expected <${name}>, got <${root.name}>`);
  return root;
}

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw malformedS3(`${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** CreateMultipartUpload's answer: the UploadId every later request names. */
export function parseInitiateResult(body: string): { uploadId: string } {
  const root = expectRoot(body, 'InitiateMultipartUploadResult');
  return checked(
    z.object({ uploadId: z.string().min(1) }),
    { uploadId: childText(root, 'UploadId') },
    'InitiateMultipartUploadResult',
  );
}

const listedPartSchema = z.object({
  partNumber: z.coerce.number().int().min(1).max(10_000),
  etag: z.string().min(1),
  size: z.coerce.number().int().nonnegative(),
});
export type ListedPart = z.infer<typeof listedPartSchema>;

export interface ListPartsPage {
  parts: ListedPart[];
  /** The marker for the next page, when the list is truncated. */
  nextMarker: number | undefined;
}

/** One page of ListParts (S3 pages by up to 1,000 parts). */
export function parseListPartsPage(body: string): ListPartsPage {
  const root = expectRoot(body, 'ListPartsResult');
  const parts = childrenOf(root, 'Part').map((part) =>
    checked(
      listedPartSchema,
      {
        partNumber: childText(part, 'PartNumber'),
        etag: childText(part, 'ETag'),
        size: childText(part, 'Size'),
      },
      'ListPartsResult Part',
    ),
  );
  const truncated = childText(root, 'IsTruncated') === 'true';
  if (!truncated) return { parts, nextMarker: undefined };
  const marker = checked(
    z.coerce.number().int().min(1),
    childText(root, 'NextPartNumberMarker') ?? parts.at(-1)?.partNumber,
    'ListPartsResult NextPartNumberMarker',
  );
  return { parts, nextMarker: marker };
}

/**
 * CompleteMultipartUpload's answer. S3 may answer 200 and still fail (the body is then an <Error>,
 * possibly after whitespace it sent to keep the connection alive): that throws like any S3 error.
 */
export function parseCompleteResult(body: string): { etag: string | undefined } {
  const root = expectRoot(body, 'CompleteMultipartUploadResult');
  return { etag: childText(root, 'ETag') || undefined };
}

export function completeBody(parts: ReadonlyArray<{ partNumber: number; etag: string }>): string {
  const items = [...parts]
    .sort((a, b) => a.partNumber - b.partNumber)
    .map(
      (part) =>
        `<Part><PartNumber>${part.partNumber}</PartNumber><ETag>${escapeXmlText(part.etag)}</ETag></Part>`,
    );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${items.join('')}</CompleteMultipartUpload>`;
}

/** ListMultipartUploads' entries (used by the sandbox and tests to see what is left on a server). */
export function parseListUploads(body: string): Array<{ key: string; uploadId: string }> {
  const root = expectRoot(body, 'ListMultipartUploadsResult');
  return childrenOf(root, 'Upload').map((upload) =>
    checked(
      z.object({ key: z.string().min(1), uploadId: z.string().min(1) }),
      { key: childText(upload, 'Key'), uploadId: childText(upload, 'UploadId') },
      'ListMultipartUploadsResult Upload',
    ),
  );
}
