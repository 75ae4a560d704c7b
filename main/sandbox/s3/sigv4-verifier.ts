import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import aws4 from 'aws4';

export interface S3KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export type SignatureCheck = { ok: true } | { ok: false; status: number; code: string; message: string };

/** Query parameters that carry a presigned URL's signature rather than the request. */
export const presignParameters = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
];

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function parseAmzDate(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

const denied = (code: string, message: string, status = 403): SignatureCheck => ({
  ok: false,
  status,
  code,
  message,
});

/**
 * Check a request's SigV4 signature (Authorization header or presigned query) by computing it again
 * with the same canonicalisation the client used. s3rver 3.7.1 accepts any V4 signature from a known
 * key id, so without this a wrong secret would never be refused on loopback. The payload hash is
 * taken as declared (Ferry sends UNSIGNED-PAYLOAD); bodies are not buffered to check it.
 */
export function verifySigV4(request: IncomingMessage, keys: S3KeyPair, now = Date.now()): SignatureCheck {
  const url = request.url ?? '/';
  const host = request.headers.host ?? '';
  const authorization = request.headers.authorization;
  const query = new URL(url, 'http://placeholder').searchParams;

  if (authorization) {
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    if (!match) return denied('AuthorizationHeaderMalformed', 'The authorization header is malformed.', 400);
    const [, accessKeyId, , region, signedHeaders, signature] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (accessKeyId !== keys.accessKeyId) {
      return denied(
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
      );
    }
    const headers: Record<string, string> = {};
    for (const name of signedHeaders.split(';')) {
      const value = request.headers[name];
      if (value === undefined) return denied('SignatureDoesNotMatch', `Signed header ${name} is missing.`);
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const signed = aws4.sign(
      { host, method: request.method ?? 'GET', path: url, service: 's3', region, headers },
      keys,
    );
    const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers?.Authorization ?? ''))?.[1] ?? '';
    if (!same(expected, signature)) {
      return denied(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      );
    }
    return { ok: true };
  }

  if (query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    const credential = query.get('X-Amz-Credential') ?? '';
    const [accessKeyId, , region] = credential.split('/');
    if (accessKeyId !== keys.accessKeyId) {
      return denied(
        'InvalidAccessKeyId',
        'The AWS Access Key Id you provided does not exist in our records.',
      );
    }
    const date = parseAmzDate(query.get('X-Amz-Date') ?? '');
    const expires = Number(query.get('X-Amz-Expires'));
    if (Number.isNaN(date) || !Number.isInteger(expires) || expires < 1 || expires > 604_800) {
      return denied('AuthorizationQueryParametersError', 'X-Amz-Date or X-Amz-Expires is invalid.', 400);
    }
    if (now > date + expires * 1000) return denied('AccessDenied', 'Request has expired');
    const signature = query.get('X-Amz-Signature') ?? '';
    const unsignedPath = url.replace(
      /([?&])X-Amz-Signature=[^&]*(&|$)/,
      (_all, lead: string, tail: string) => (tail ? lead : ''),
    );
    const signed = aws4.sign(
      {
        host,
        method: request.method ?? 'GET',
        path: unsignedPath,
        service: 's3',
        region: region ?? '',
        signQuery: true,
      },
      keys,
    );
    const expected = /[?&]X-Amz-Signature=([0-9a-f]{64})/.exec(signed.path ?? '')?.[1] ?? '';
    if (!same(expected, signature)) {
      return denied(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    return { ok: true };
  }

  return denied('AccessDenied', 'Access Denied');
}
