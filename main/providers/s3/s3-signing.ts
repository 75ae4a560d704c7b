import aws4 from 'aws4';

export interface S3Target {
  /** e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000 (origin only). */
  endpoint: string;
  region: string;
  bucket: string;
  /** Path style puts the bucket in the path; virtual-host style in the host name. */
  pathStyle: boolean;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The body is streamed and not hashed: S3 accepts this for SigV4 over HTTP(S) headers. */
export const unsignedPayload = 'UNSIGNED-PAYLOAD';

/** RFC 3986 encoding of one path segment, as SigV4's canonical URI wants it. */
export function encodeKeySegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Where a bucket (and optionally an object key) lives: origin with host, and the request path. */
export function s3Location(target: S3Target, key?: string): { protocol: string; host: string; path: string } {
  const endpoint = new URL(target.endpoint);
  const keyPath = key === undefined ? '' : key.split('/').map(encodeKeySegment).join('/');
  if (target.pathStyle) {
    return {
      protocol: endpoint.protocol,
      host: endpoint.host,
      path: `/${encodeKeySegment(target.bucket)}${key === undefined ? '' : `/${keyPath}`}`,
    };
  }
  return { protocol: endpoint.protocol, host: `${target.bucket}.${endpoint.host}`, path: `/${keyPath}` };
}

function queryString(query: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(query).map(([name, value]) =>
    value === '' ? encodeKeySegment(name) : `${encodeKeySegment(name)}=${encodeKeySegment(value)}`,
  );
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
}

/**
 * Sign one request with SigV4 in the Authorization header. Headers given here are signed and must be
 * sent exactly (got adds only unsigned ones such as user-agent and accept-encoding).
 */
export function signRequest(
  target: S3Target,
  credentials: S3Credentials,
  request: {
    method: string;
    key?: string;
    query?: Readonly<Record<string, string>>;
    headers?: Readonly<Record<string, string>>;
    /** For tests against published examples; now otherwise. */
    date?: Date;
  },
): SignedRequest {
  const location = s3Location(target, request.key);
  const headers: Record<string, string> = {
    'X-Amz-Content-Sha256': unsignedPayload,
    ...request.headers,
  };
  if (request.date) headers['X-Amz-Date'] = amzDate(request.date);
  const signed = aws4.sign(
    {
      host: location.host,
      method: request.method,
      path: `${location.path}${queryString(request.query ?? {})}`,
      service: 's3',
      region: target.region,
      headers,
    },
    credentials,
  );
  const signedHeaders = Object.fromEntries(
    Object.entries(signed.headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
  return { url: `${location.protocol}//${location.host}${signed.path ?? '/'}`, headers: signedHeaders };
}

/** A presigned GET link valid for `expiresSeconds` (S3 caps it at 7 days). */
export function presignGet(
  target: S3Target,
  credentials: S3Credentials,
  key: string,
  expiresSeconds: number,
  date: Date = new Date(),
): string {
  const location = s3Location(target, key);
  const signed = aws4.sign(
    {
      host: location.host,
      method: 'GET',
      path: `${location.path}?X-Amz-Expires=${expiresSeconds}&X-Amz-Date=${amzDate(date)}`,
      service: 's3',
      region: target.region,
      signQuery: true,
    },
    credentials,
  );
  return `${location.protocol}//${location.host}${signed.path ?? '/'}`;
}

export function amzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '');
}
