import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The emulated storage's half of Aliyun OSS signing: a PostObject policy (base64 JSON with an
 * expiration and conditions) signed with HMAC-SHA1, and pre-signed GET/PUT URLs. Only the emulator
 * holds the secret; clients just echo what the ticket gave them.
 */
export const sandboxBucket = 'ferry-sandbox';

export function encodePolicy(
  key: string,
  expiresAt: number,
  maxBytes: number,
  successActionStatus?: string,
): string {
  const policy = {
    expiration: new Date(expiresAt).toISOString(),
    conditions: [
      { bucket: sandboxBucket },
      ['eq', '$key', key],
      ['content-length-range', 0, maxBytes],
      ...(successActionStatus !== undefined ? [{ success_action_status: successActionStatus }] : []),
    ],
  };
  return Buffer.from(JSON.stringify(policy)).toString('base64');
}

export function sign(secret: string, text: string): string {
  return createHmac('sha1', secret).update(text).digest('base64');
}

export function signatureMatches(secret: string, text: string, given: string): boolean {
  const expected = Buffer.from(sign(secret, text));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** An object key as a URL path: each segment encoded, the slashes kept. */
export function keyToPath(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

export function presignedUrl(
  baseUrl: string,
  method: 'GET' | 'PUT',
  key: string,
  accessKeyId: string,
  secret: string,
  expiresAt: number,
): string {
  const expires = String(Math.floor(expiresAt / 1000));
  const url = new URL(`${baseUrl}/oss/${keyToPath(key)}`);
  url.searchParams.set('OSSAccessKeyId', accessKeyId);
  url.searchParams.set('Expires', expires);
  url.searchParams.set('Signature', sign(secret, `${method}\n${key}\n${expires}`));
  return url.href;
}

export type PresignCheck = 'ok' | 'bad-signature' | 'expired';

export function checkPresigned(
  query: URLSearchParams,
  method: 'GET' | 'PUT',
  key: string,
  accessKeyId: string,
  secret: string,
  now = Date.now(),
): PresignCheck {
  const expires = query.get('Expires') ?? '';
  if (query.get('OSSAccessKeyId') !== accessKeyId) return 'bad-signature';
  if (!signatureMatches(secret, `${method}\n${key}\n${expires}`, query.get('Signature') ?? '')) {
    return 'bad-signature';
  }
  return Number(expires) * 1000 <= now ? 'expired' : 'ok';
}

/** OSS's answer to a PostObject with `success_action_status` 201. */
export function postResponseXml(location: string, key: string, etag: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>\n' +
    `  <Bucket>${escapeXml(sandboxBucket)}</Bucket>\n  <Location>${escapeXml(location)}</Location>\n` +
    `  <Key>${escapeXml(key)}</Key>\n  <ETag>${escapeXml(etag)}</ETag>\n</PostResponse>\n`
  );
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function ossErrorXml(code: string, message: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n' +
    `  <Code>${escapeXml(code)}</Code>\n  <Message>${escapeXml(message)}</Message>\n` +
    `  <RequestId>${requestId}</RequestId>\n  <HostId>${sandboxBucket}.oss.sandbox</HostId>\n</Error>\n`
  );
}
