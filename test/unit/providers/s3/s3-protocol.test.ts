import { describe, expect, it } from 'vitest';
import { UploadError } from '../../../../main/net/upload-error.ts';
import {
  completeBody,
  parseCompleteResult,
  parseInitiateResult,
  parseListPartsPage,
  s3Failure,
} from '../../../../main/providers/s3/s3-protocol.ts';
import { parseXml, childrenOf, childText } from '../../../../main/providers/s3/xml.ts';

const errorBody = (code: string, message = 'words') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>1</RequestId></Error>`;

describe('s3Failure', () => {
  it.each([
    ['AccessDenied', 403, 'credentials-rejected', false],
    ['SignatureDoesNotMatch', 403, 'credentials-rejected', false],
    ['InvalidAccessKeyId', 403, 'credentials-rejected', false],
    ['NoSuchBucket', 404, 'provider-rejected', false],
    ['NoSuchUpload', 404, 'provider-rejected', false],
    ['EntityTooSmall', 400, 'provider-rejected', false],
    ['SlowDown', 503, 'http-status', true],
    ['InternalError', 500, 'http-status', true],
    ['InternalError', 200, 'http-status', true],
    ['SlowDown', 400, 'http-status', true],
  ] as const)(
    '%s with HTTP %i → %s (retryable %s), keeping the provider words',
    (code, status, expected, retryable) => {
      const error = s3Failure(status, errorBody(code, 'their message'));
      expect(error.view).toMatchObject({
        code: expected,
        providerCode: code,
        providerMessage: 'their message',
      });
      expect(error.retryable).toBe(retryable);
    },
  );

  it('honours Retry-After and falls back to the HTTP status for bodies that are not S3 errors', () => {
    const throttled = s3Failure(429, 'too many', '2');
    expect(throttled.view.code).toBe('http-status');
    expect(throttled.retryable).toBe(true);
    expect(throttled.retryAfterSeconds).toBe(2);
    expect(s3Failure(502, '<html>bad gateway</html>').retryable).toBe(true);
    expect(s3Failure(400, '').retryable).toBe(false);
  });

  it('names a body-less HEAD failure with the fallback code', () => {
    expect(s3Failure(404, '', undefined, 'NoSuchBucket').view).toMatchObject({
      code: 'provider-rejected',
      providerCode: 'NoSuchBucket',
    });
    expect(s3Failure(403, '', undefined, 'AccessDenied').view.code).toBe('credentials-rejected');
  });
});

describe('response parsers', () => {
  it('reads the UploadId of CreateMultipartUpload', () => {
    expect(
      parseInitiateResult(
        '<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>',
      ),
    ).toEqual({ uploadId: 'VXBsb2FkIElE' });
    expect(() =>
      parseInitiateResult('<InitiateMultipartUploadResult></InitiateMultipartUploadResult>'),
    ).toThrow(/malformed|cannot read/);
  });

  it('reads a ListParts page and where the next one starts', () => {
    const page = parseListPartsPage(
      '<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker>' +
        '<Part><PartNumber>1</PartNumber><ETag>"a"</ETag><Size>8388608</Size></Part>' +
        '<Part><PartNumber>2</PartNumber><ETag>"b"</ETag><Size>10</Size></Part></ListPartsResult>',
    );
    expect(page).toEqual({
      parts: [
        { partNumber: 1, etag: '"a"', size: 8388608 },
        { partNumber: 2, etag: '"b"', size: 10 },
      ],
      nextMarker: 2,
    });
    expect(parseListPartsPage('<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>')).toEqual(
      {
        parts: [],
        nextMarker: undefined,
      },
    );
  });

  it('refuses a ListParts part without an ETag', () => {
    expect(() =>
      parseListPartsPage(
        '<ListPartsResult><Part><PartNumber>1</PartNumber><Size>1</Size></Part></ListPartsResult>',
      ),
    ).toThrow(UploadError);
  });

  it('treats a 200 Complete carrying <Error> as that error, and garbage as malformed', () => {
    expect(
      parseCompleteResult(
        '<CompleteMultipartUploadResult><ETag>"x-3"</ETag></CompleteMultipartUploadResult>',
      ),
    ).toEqual({
      etag: '"x-3"',
    });
    let thrown: unknown;
    try {
      parseCompleteResult(
        `\n\n${errorBody('InternalError', 'We encountered an internal error. Please try again.')}`,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UploadError);
    expect((thrown as UploadError).retryable).toBe(true);
    expect((thrown as UploadError).view.providerCode).toBe('InternalError');
    expect(() => parseCompleteResult('<CompleteMultipartUploadResult><ETag>')).toThrow(/cannot read/);
  });

  it('writes CompleteMultipartUpload with parts in order and ETags escaped', () => {
    const body = completeBody([
      { partNumber: 2, etag: '"b"' },
      { partNumber: 1, etag: '"a&"' },
    ]);
    const parts = childrenOf(parseXml(body), 'Part');
    expect(parts.map((part) => [childText(part, 'PartNumber'), childText(part, 'ETag')])).toEqual([
      ['1', '"a&"'],
      ['2', '"b"'],
    ]);
  });
});
