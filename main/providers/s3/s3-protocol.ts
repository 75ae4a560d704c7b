import { z } from 'zod';
import { isRetryableStatus } from '../../net/http-failure.ts';
import { parseRetryAfter } from '../../net/retry-after.ts';
import { UploadError } from '../../net/upload-error.ts';
import { xmlDocumentReader, type XmlDocument } from '../xml-document.ts';

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

/** Elements S3 repeats: one of them alone must still read as a list. */
const repeatedElements = new Set(['ListPartsResult.Part', 'ListMultipartUploadsResult.Upload']);

const readXml = xmlDocumentReader(repeatedElements);

/**
 * The root element's name and content of an S3 answer. A body that is not well-formed XML (cut off,
 * garbled, not XML) is malformed, never read as half an answer.
 */
function readDocument(body: string): XmlDocument {
  const document = readXml(body);
  if ('problem' in document) throw malformedS3(document.problem);
  return document;
}

/** An element with children; an empty one (`<Result/>`) parses as '' and reads as having none. */
function element<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess((value) => (value === '' ? {} : value), z.object(shape));
}

const errorSchema = element({
  Code: z.string().min(1),
  Message: z.string().optional().catch(undefined),
});

/** The <Error> document S3 answers failures with, if the body is one. */
export function parseS3Error(body: string): S3ErrorBody | undefined {
  if (!body.includes('<Error')) return undefined;
  let document: { root: string; content: unknown };
  try {
    document = readDocument(body);
  } catch {
    return undefined;
  }
  if (document.root !== 'Error') return undefined;
  const parsed = errorSchema.safeParse(document.content);
  if (!parsed.success) return undefined;
  return { code: parsed.data.Code, message: parsed.data.Message || undefined };
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

/** The content of the expected root; an <Error> in its place (a failed 200 Complete) throws as that error. */
function expectRoot(body: string, name: string): unknown {
  const { root, content } = readDocument(body);
  if (root === 'Error') throw s3Failure(200, body);
  if (root !== name) throw malformedS3(`expected <${name}>, got <${root}>`);
  return content;
}

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw malformedS3(`${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** CreateMultipartUpload's answer: the UploadId every later request names. */
export function parseInitiateResult(body: string): { uploadId: string } {
  const result = checked(
    element({ UploadId: z.string().min(1) }),
    expectRoot(body, 'InitiateMultipartUploadResult'),
    'InitiateMultipartUploadResult',
  );
  return { uploadId: result.UploadId };
}

const listedPartSchema = element({
  PartNumber: z.coerce.number().int().min(1).max(10_000),
  ETag: z.string().min(1),
  Size: z.coerce.number().int().nonnegative(),
}).transform((part) => ({ partNumber: part.PartNumber, etag: part.ETag, size: part.Size }));
export type ListedPart = z.output<typeof listedPartSchema>;

const listPartsSchema = element({
  Part: z.array(listedPartSchema).default([]),
  IsTruncated: z.string().optional(),
  NextPartNumberMarker: z.string().optional(),
});

export interface ListPartsPage {
  parts: ListedPart[];
  /** The marker for the next page, when the list is truncated. */
  nextMarker: number | undefined;
}

/** One page of ListParts (S3 pages by up to 1,000 parts). */
export function parseListPartsPage(body: string): ListPartsPage {
  const page = checked(listPartsSchema, expectRoot(body, 'ListPartsResult'), 'ListPartsResult');
  if (page.IsTruncated !== 'true') return { parts: page.Part, nextMarker: undefined };
  const marker = checked(
    z.coerce.number().int().min(1),
    page.NextPartNumberMarker ?? page.Part.at(-1)?.partNumber,
    'ListPartsResult NextPartNumberMarker',
  );
  return { parts: page.Part, nextMarker: marker };
}

/**
 * CompleteMultipartUpload's answer. S3 may answer 200 and still fail (the body is then an <Error>,
 * possibly after whitespace it sent to keep the connection alive): that throws like any S3 error.
 */
export function parseCompleteResult(body: string): { etag: string | undefined } {
  const result = checked(
    element({ ETag: z.string().optional() }),
    expectRoot(body, 'CompleteMultipartUploadResult'),
    'CompleteMultipartUploadResult',
  );
  return { etag: result.ETag || undefined };
}

/**
 * The one XML Ferry writes has a fixed shape and one free text, the ETag (sent back as S3 gave it,
 * quotes included), so a template with that text escaped says it plainly. fast-xml-parser's
 * XMLBuilder is deprecated in favour of a separate package, not worth a dependency for this.
 */
export function completeBody(parts: ReadonlyArray<{ partNumber: number; etag: string }>): string {
  const items = [...parts]
    .sort((a, b) => a.partNumber - b.partNumber)
    .map(
      (part) =>
        `<Part><PartNumber>${part.partNumber}</PartNumber><ETag>${escapeXmlText(part.etag)}</ETag></Part>`,
    );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${items.join('')}</CompleteMultipartUpload>`;
}

function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const uploadsSchema = element({
  Upload: z.array(element({ Key: z.string().min(1), UploadId: z.string().min(1) })).default([]),
  IsTruncated: z.string().optional(),
  NextKeyMarker: z.string().optional(),
  NextUploadIdMarker: z.string().optional(),
});

export interface ListUploadsPage {
  uploads: Array<{ key: string; uploadId: string }>;
  /** Where the next page starts, when the list is truncated. */
  next: { keyMarker: string; uploadIdMarker: string } | undefined;
}

/** One page of ListMultipartUploads: the open uploads, and where to go on when there are more. */
export function parseListUploadsPage(body: string): ListUploadsPage {
  const result = checked(
    uploadsSchema,
    expectRoot(body, 'ListMultipartUploadsResult'),
    'ListMultipartUploadsResult',
  );
  const uploads = result.Upload.map((upload) => ({ key: upload.Key, uploadId: upload.UploadId }));
  if (result.IsTruncated !== 'true') return { uploads, next: undefined };
  const last = uploads.at(-1);
  const keyMarker = result.NextKeyMarker || last?.key;
  const uploadIdMarker = result.NextUploadIdMarker || last?.uploadId;
  if (keyMarker === undefined || uploadIdMarker === undefined) {
    throw malformedS3('ListMultipartUploadsResult is truncated but says nothing of where to go on');
  }
  return { uploads, next: { keyMarker, uploadIdMarker } };
}

/** ListMultipartUploads' entries (used by the sandbox and tests to see what is left on a server). */
export function parseListUploads(body: string): Array<{ key: string; uploadId: string }> {
  return parseListUploadsPage(body).uploads;
}
