import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { UploadError } from '../../../../main/net/upload-error.ts';
import {
  completeBody,
  parseCompleteResult,
  parseInitiateResult,
  parseListPartsPage,
  parseListUploads,
  parseListUploadsPage,
  parseS3Error,
  s3Failure,
} from '../../../../main/providers/s3/s3-protocol.ts';

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
      { partNumber: 1, etag: '"a&</ETag><x>"' },
    ]);
    // Read back by an XML parser, not by the code under test.
    const read = new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(body, true);
    expect(read.CompleteMultipartUpload['@_xmlns']).toBe('http://s3.amazonaws.com/doc/2006-03-01/');
    expect(read.CompleteMultipartUpload.Part).toEqual([
      { PartNumber: '1', ETag: '"a&</ETag><x>"' },
      { PartNumber: '2', ETag: '"b"' },
    ]);
  });
});

describe('reading S3 XML', () => {
  it('skips the prolog, comments, attributes and namespace prefixes; one Part is still a list', () => {
    const page = parseListPartsPage(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi --><s3:ListPartsResult xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<s3:Part a="x>y/"><s3:PartNumber>1</s3:PartNumber><s3:ETag>"abc"</s3:ETag><s3:Size> 5 </s3:Size></s3:Part>' +
        '</s3:ListPartsResult>',
    );
    expect(page).toEqual({ parts: [{ partNumber: 1, etag: '"abc"', size: 5 }], nextMarker: undefined });
  });

  it('keeps ids and ETags as the text they are, never numbers', () => {
    expect(
      parseInitiateResult(
        '<InitiateMultipartUploadResult><UploadId>0123e5</UploadId></InitiateMultipartUploadResult>',
      ),
    ).toEqual({ uploadId: '0123e5' });
    expect(
      parseCompleteResult('<CompleteMultipartUploadResult><ETag>1e5</ETag></CompleteMultipartUploadResult>'),
    ).toEqual({ etag: '1e5' });
  });

  it('decodes named and numeric entities (MinIO quotes ETags as &#34;) and CDATA', () => {
    const page = parseListPartsPage(
      '<ListPartsResult>' +
        '<Part><PartNumber>1</PartNumber><ETag>&#34;a&#34;</ETag><Size>1</Size></Part>' +
        '<Part><PartNumber>2</PartNumber><ETag>&quot;b&amp;&lt;&gt;&apos;&quot;</ETag><Size>1</Size></Part>' +
        '<Part><PartNumber>3</PartNumber><ETag><![CDATA["<c & d>"]]></ETag><Size>1</Size></Part>' +
        '</ListPartsResult>',
    );
    expect(page.parts.map((part) => part.etag)).toEqual(['"a"', `"b&<>'"`, '"<c & d>"']);
    expect(
      parseListUploads(
        '<ListMultipartUploadsResult><Upload><Key>&#233;t&#xE9; &#x4E2D;.jpg</Key><UploadId>u1</UploadId></Upload></ListMultipartUploadsResult>',
      ),
    ).toEqual([{ key: 'été 中.jpg', uploadId: 'u1' }]);
    expect(parseListUploads('<ListMultipartUploadsResult/>')).toEqual([]);
  });

  it('pages ListMultipartUploads by the next markers, or by the last upload when S3 leaves them out', () => {
    const upload = (key: string, id: string) =>
      `<Upload><Key>${key}</Key><UploadId>${id}</UploadId></Upload>`;
    expect(
      parseListUploadsPage(
        `<ListMultipartUploadsResult><IsTruncated>true</IsTruncated><NextKeyMarker>k</NextKeyMarker><NextUploadIdMarker>u2</NextUploadIdMarker>${upload('k', 'u1')}${upload('k', 'u2')}</ListMultipartUploadsResult>`,
      ),
    ).toEqual({
      uploads: [
        { key: 'k', uploadId: 'u1' },
        { key: 'k', uploadId: 'u2' },
      ],
      next: { keyMarker: 'k', uploadIdMarker: 'u2' },
    });
    expect(
      parseListUploadsPage(
        `<ListMultipartUploadsResult><IsTruncated>true</IsTruncated>${upload('a', '1')}</ListMultipartUploadsResult>`,
      ).next,
    ).toEqual({ keyMarker: 'a', uploadIdMarker: '1' });
    expect(
      parseListUploadsPage(
        `<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`,
      ),
    ).toEqual({ uploads: [], next: undefined });
    expect(() =>
      parseListUploadsPage(
        '<ListMultipartUploadsResult><IsTruncated>true</IsTruncated></ListMultipartUploadsResult>',
      ),
    ).toThrow(/where to go on/);
  });

  it('reads an <Error> with or without a message, and nothing from bodies that are not one', () => {
    expect(parseS3Error('<Error><Code>NoSuchUpload</Code><Message/></Error>')).toEqual({
      code: 'NoSuchUpload',
      message: undefined,
    });
    expect(parseS3Error('<Error><Message>no code</Message></Error>')).toBeUndefined();
    expect(parseS3Error('<Error><Code>Internal')).toBeUndefined();
    expect(parseS3Error('<html>Error</html>')).toBeUndefined();
  });

  it.each([
    ['truncated', '<ListPartsResult><Part><PartNumber>1'],
    ['mismatched tags', '<ListPartsResult><Part></ListPartsResult></Part>'],
    ['two roots', '<ListPartsResult></ListPartsResult><Extra/>'],
    ['text outside the root', 'oops<ListPartsResult/>'],
    ['an unterminated entity', '<ListPartsResult><Part><ETag>a & b</ETag></Part></ListPartsResult>'],
    ['nothing', '   '],
    ['JSON', '{"Code": "x"}'],
    ['an unterminated attribute', '<ListPartsResult b="c></ListPartsResult>'],
    ['another root', '<ListBucketResult></ListBucketResult>'],
    ['a Part without children', '<ListPartsResult><Part>1</Part></ListPartsResult>'],
    [
      'a part number out of range',
      '<ListPartsResult><Part><PartNumber>0</PartNumber><ETag>"a"</ETag><Size>1</Size></Part></ListPartsResult>',
    ],
    [
      'two ETags in a part',
      '<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>"a"</ETag><ETag>"b"</ETag><Size>1</Size></Part></ListPartsResult>',
    ],
    [
      'a DOCTYPE with entities',
      '<!DOCTYPE r [<!ENTITY e "x">]><ListPartsResult><Part><PartNumber>1</PartNumber><ETag>&e;</ETag><Size>1</Size></Part></ListPartsResult>',
    ],
  ])('calls %s a malformed answer, worth another attempt', (_label, body) => {
    let thrown: unknown;
    try {
      parseListPartsPage(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UploadError);
    expect((thrown as UploadError).view.code).toBe('malformed-response');
    expect((thrown as UploadError).retryable).toBe(true);
  });
});
