import { describe, expect, it } from 'vitest';
import { UploadError } from '../../../../main/net/upload-error.ts';
import {
  businessError,
  classifyStorageAnswer,
  fileSignOf,
  fileTypeFor,
  objectKeyOf,
  ticketLimitsOf,
  ticketSchema,
} from '../../../../main/providers/im-file-api/im-file-protocol.ts';
import { imFileApiProvider } from '../../../../main/providers/im-file-api/im-file-provider.ts';

describe('file_type from the MIME type', () => {
  it.each([
    ['image/png', 102, 202],
    ['image/jpeg', 102, 202],
    ['video/mp4', 103, 203],
    ['audio/amr', 101, 201],
    ['audio/mpeg', 104, 201],
    ['audio/wav', 100, 200],
    ['application/pdf', 100, 200],
    ['application/octet-stream', 100, 200],
  ])('%s is %i (shared: %i)', (mimeType, chat, shared) => {
    expect(fileTypeFor(mimeType, false)).toBe(chat);
    expect(fileTypeFor(mimeType, true)).toBe(shared);
  });
});

describe('business codes of the envelope', () => {
  it.each([
    [402, 'credentials-rejected', false],
    [10008, 'credentials-rejected', false],
    [10002, 'invalid-request', false],
    [10003, 'invalid-request', false],
    [40000, 'provider-rejected', false],
    [10009, 'provider-rejected', true],
    [12345, 'provider-rejected', false],
  ] as const)('%i → %s (retryable: %s), keeping code and message', (code, errorCode, retryable) => {
    const error = businessError(code, 'the words of the server');
    expect(error.view).toMatchObject({
      code: errorCode,
      providerCode: String(code),
      providerMessage: 'the words of the server',
    });
    expect(error.retryable).toBe(retryable);
  });

  it('tells the user to log in again on an expired token', () => {
    expect(businessError(402, undefined).view.message).toMatch(/log in again and replace the access token/i);
  });
});

function thrown(run: () => unknown): UploadError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UploadError);
    return error as UploadError;
  }
  throw new Error('did not throw');
}

const xml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

describe('the storage answer', () => {
  it.each([
    [204, ''],
    [200, '{"Status":"OK"}'],
    [200, '{"data": true}'],
    [200, '{"code": 200, "message": null, "data": true}'],
    [200, ''],
  ])('HTTP %i %s is stored', (status, body) => {
    expect(classifyStorageAnswer(status, body).kind).toBe('stored');
  });

  it.each([
    [403, xml('AccessDenied', 'Invalid according to Policy: Policy expired.')],
    [403, xml('AccessDenied', 'Request has expired.')],
  ])('HTTP %i %s means the ticket expired', (status, body) => {
    expect(classifyStorageAnswer(status, body)).toMatchObject({ kind: 'ticket-expired' });
  });

  it.each([
    [403, xml('SignatureDoesNotMatch', 'bad sig'), 'http-status', false, 'SignatureDoesNotMatch'],
    [503, xml('ServiceUnavailable', 'busy'), 'http-status', true, 'ServiceUnavailable'],
    [203, xml('CallbackFailed', 'callback failed'), 'http-status', true, 'CallbackFailed'],
    [200, '{"code": 10009, "message": "oss"}', 'provider-rejected', true, '10009'],
    [200, '{"Status": "FAIL"}', 'provider-rejected', false, undefined],
    [200, '{"data": false}', 'provider-rejected', false, undefined],
    [200, xml('InternalError', 'odd'), 'provider-rejected', false, 'InternalError'],
  ] as const)('HTTP %i %s fails as %s (retryable %s)', (status, body, code, retryable, providerCode) => {
    const error = thrown(() => classifyStorageAnswer(status, body));
    expect(error.view.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.view.providerCode).toBe(providerCode);
  });

  it('reads the object’s name from a 201 PostResponse, and the ETag header of any answer', () => {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Bucket>b</Bucket>' +
      '<Location>https://b.oss.example.com/chat/1%20a</Location><Key>chat/1 a</Key>' +
      '<ETag>"0123ABC"</ETag></PostResponse>';
    expect(classifyStorageAnswer(201, body)).toEqual({
      kind: 'stored',
      callback: {},
      identity: { key: 'chat/1 a', etag: '"0123ABC"', location: 'https://b.oss.example.com/chat/1%20a' },
    });
    expect(classifyStorageAnswer(204, '', { etag: '"E"' })).toMatchObject({ identity: { etag: '"E"' } });
  });

  it.each([
    [200, '{"Status": "OK", ', /HTTP 200 with a body that starts like JSON but does not parse/],
    [
      200,
      '{"something": "else", "token": "t0ps3cret"}',
      /JSON object with 2 fields \("something", "token"\)/,
    ],
    [202, '<html><p>t0ps3cret</p></html>', /HTTP 202 with an HTML page/],
    [201, '<PostResponse><Key>k</Key', /HTTP 201 with XML whose root is <PostResponse>/],
    [200, '[1, 2]', /JSON array/],
  ])('HTTP %i %s is stored, with a warning that describes it without quoting it', (status, body, said) => {
    const answer = classifyStorageAnswer(status, body);
    expect(answer.kind).toBe('stored');
    const warning = answer.kind === 'stored' ? (answer.warning ?? '') : '';
    expect(warning).toMatch(said);
    expect(warning).toMatch(/not sent again/);
    expect(warning).not.toContain('t0ps3cret');
  });

  it('passes Retry-After through', () => {
    expect(thrown(() => classifyStorageAnswer(429, 'slow', { retryAfter: '7' })).retryAfterSeconds).toBe(7);
  });
});

describe('ticket facts', () => {
  const ticket = (fields: Record<string, unknown>) =>
    ticketSchema.parse({ upload_url: 'https://oss.example.com/', download_url: 'x', ...fields });

  it('reads file_sign from the callback first, then from the download URL', () => {
    const t = ticket({ download_url: 'https://im/file/download/chat?file_sign=abc' });
    expect(fileSignOf(t, {})).toBe('abc');
    expect(fileSignOf(t, { file_sign: 'cb' })).toBe('cb');
  });

  it('finds the key case-insensitively, or the avatar object_name', () => {
    expect(objectKeyOf(ticket({ oss_body_param: { Key: 'a/b' } }))).toBe('a/b');
    expect(objectKeyOf(ticket({ download_url: '/file/download/avatar?object_name=av%2F1' }))).toBe('av/1');
  });

  it('defaults upload_method to POST, takes PUT in any case, stringifies form values', () => {
    expect(ticket({}).upload_method).toBe('POST');
    expect(ticket({ upload_method: 'put' }).upload_method).toBe('PUT');
    expect(ticket({ oss_body_param: { success_action_status: 200 } }).oss_body_param).toEqual({
      success_action_status: '200',
    });
  });
});

describe('the limits a ticket carries', () => {
  const ticket = (fields: Record<string, unknown>) =>
    ticketSchema.parse({ upload_url: 'https://oss.example.com/', download_url: 'x', ...fields });
  const policy = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

  it('reads the expiration and the content-length-range of an OSS policy, numbers or digits', () => {
    const encoded = policy({
      expiration: '2030-01-02T03:04:05.000Z',
      conditions: [{ bucket: 'b' }, ['eq', '$key', 'k'], ['content-length-range', '1', 1048576]],
    });
    expect(ticketLimitsOf(ticket({ oss_body_param: { Policy: encoded } }))).toEqual({
      expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5),
      minBytes: 1,
      maxBytes: 1048576,
    });
  });

  it.each([
    ['no policy', {}],
    ['a policy that is not base64 JSON', { policy: '%%%' }],
    ['a policy of another shape', { policy: policy([1, 2]) }],
    [
      'a policy with an unreadable date and range',
      { policy: policy({ expiration: 'soon', conditions: [['content-length-range', 'a', -1]] }) },
    ],
  ])('knows nothing from %s (the store decides)', (_label, fields) => {
    expect(ticketLimitsOf(ticket({ oss_body_param: fields }))).toEqual({});
  });

  it('reads the expiry of a pre-signed PUT URL, OSS or S3 style', () => {
    expect(
      ticketLimitsOf(
        ticket({
          upload_method: 'PUT',
          upload_url: 'https://b.oss.example.com/k?OSSAccessKeyId=a&Expires=1900000000&Signature=s',
        }),
      ),
    ).toEqual({ expiresAt: 1_900_000_000_000 });
    expect(
      ticketLimitsOf(
        ticket({
          upload_method: 'PUT',
          upload_url: 'https://s3.example.com/b/k?X-Amz-Date=20300102T030405Z&X-Amz-Expires=900',
        }),
      ),
    ).toEqual({ expiresAt: Date.UTC(2030, 0, 2, 3, 4, 5) + 900_000 });
    expect(
      ticketLimitsOf(ticket({ upload_method: 'PUT', upload_url: 'https://s3.example.com/b/k' })),
    ).toEqual({});
  });
});

describe('account fields', () => {
  const base = { baseUrl: 'https://im.example.com', appId: 'app' };

  it('needs a recipient for chat files and a group for group avatars, nothing for user avatars', () => {
    expect(() => imFileApiProvider.parseConfig(base)).toThrow(/to_id/);
    expect(() => imFileApiProvider.parseConfig({ ...base, targetKind: 'group-avatar' })).toThrow(/group/);
    expect(imFileApiProvider.parseConfig({ ...base, targetKind: 'user-avatar' }).targetKind).toBe(
      'user-avatar',
    );
  });

  it('maps to_type and the shared-file switch; empty fields take the defaults', () => {
    const config = imFileApiProvider.parseConfig({
      ...base,
      toId: 'g',
      toType: 'group',
      sharedFile: 'true',
      userId: '',
      targetKind: '',
    });
    expect(config).toMatchObject({ toType: 2, sharedFile: true, targetKind: 'chat', userId: undefined });
    expect(imFileApiProvider.parseConfig({ ...base, toId: 'u', toType: '' }).toType).toBe(1);
  });
});
