import type { ProviderCatalogEntry } from '../catalog-types.ts';
import type { RemoteNaming } from '../remote-name.ts';
import { fieldCheck, httpBaseUrl, httpOrigin, noSpaces, pathSegment } from '../field-checks.ts';

/** S3's limit on an object key, in bytes of UTF-8. */
export const s3MaxKeyBytes = 1024;
/**
 * Ferry's limit on a key's last segment, `<16 hex>-<file name>`: servers that keep objects as files
 * (MinIO, s3rver) store that segment as a file name, which file systems cap at 255 bytes, some after
 * adding a suffix of their own (s3rver adds up to 22).
 */
export const s3MaxNameSegmentBytes = 200;
/** The prefix gets what the `yyyy/mm/` folders and the last segment leave of the 1024 bytes. */
export const s3MaxKeyPrefixBytes = s3MaxKeyBytes - 'yyyy/mm/'.length - s3MaxNameSegmentBytes;

/**
 * Keys are folders and a name. The default pattern is the key Ferry always made: the random part keeps
 * names from colliding without a read of the whole file before its first byte (a content hash would
 * need one). The key prefix comes before it and shares the 1024 bytes.
 */
export const s3RemoteNaming: RemoteNaming = {
  folders: true,
  maxBytes: s3MaxKeyBytes,
  maxSegmentBytes: s3MaxNameSegmentBytes,
  defaultPattern: '{yyyy}/{mm}/{rand:16}-{name}.{ext}',
};

/**
 * Folders as S3 keys spell them. `.` and `..` segments never reach the object they name: HTTP clients
 * resolve them in the request path before sending, so the server sees another key than the one
 * signed and answers SignatureDoesNotMatch, which reads as a refused key. A leading or doubled `/`
 * makes empty segments that consoles and sync tools cannot show.
 */
const keyPrefix = fieldCheck((value) => {
  if (value.includes('\\')) return "must not contain '\\' (S3 keys separate folders with '/')";
  if (value.startsWith('/')) return "must not start with '/' (S3 keys have no leading slash)";
  const segments = value.split('/');
  const folders = value.endsWith('/') ? segments.slice(0, -1) : segments;
  if (folders.includes('..')) return "must not contain '..' segments";
  if (folders.includes('.')) return "must not contain '.' segments";
  if (folders.includes('')) return "must not contain empty segments ('//')";
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > s3MaxKeyPrefixBytes)
    return `must be at most ${s3MaxKeyPrefixBytes} bytes in UTF-8, not ${bytes} (S3 keys have at most ${s3MaxKeyBytes}; the date folders and the file name need the rest)`;
  return undefined;
});

const bucket = fieldCheck((value) =>
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)
    ? undefined
    : "not a valid bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
);

/**
 * S3-compatible storage: AWS S3, Tencent COS, Aliyun OSS, Cloudflare R2, MinIO
 * (docs/providers.md#s3-compatible-storage).
 */
export const s3Catalog = {
  id: 's3',
  name: 'S3-compatible storage',
  remoteNaming: s3RemoteNaming,
  fields: [
    {
      key: 'endpoint',
      label: 'Endpoint',
      secret: false,
      required: true,
      kind: 'url',
      placeholder: 'https://s3.eu-west-1.amazonaws.com',
      check: httpOrigin,
    },
    {
      key: 'region',
      label: 'Region',
      secret: false,
      required: false,
      defaultValue: 'us-east-1',
      // It becomes a segment of the signature's credential scope.
      check: pathSegment,
    },
    { key: 'bucket', label: 'Bucket', secret: false, required: true, check: bucket },
    {
      key: 'keyPrefix',
      label: 'Key prefix',
      secret: false,
      required: false,
      placeholder: 'uploads/',
      help: 'Objects are stored as <prefix>yyyy/mm/<hash>-<file name>.',
      check: keyPrefix,
    },
    {
      key: 'pathStyle',
      label: 'Path-style addressing',
      secret: false,
      required: false,
      kind: 'boolean',
      defaultValue: 'false',
      help: 'Put the bucket in the path instead of the host name; MinIO and many self-hosted services need it.',
    },
    {
      key: 'checksumMode',
      label: 'Checksum',
      secret: false,
      required: false,
      kind: 'select',
      options: ['none', 'content-md5'],
      defaultValue: 'none',
      help: 'content-md5 hashes each part before sending it; use it where the service asks for Content-MD5. Ferry never sends the newer x-amz-checksum headers some services reject.',
    },
    { key: 'accessKeyId', label: 'Access key ID', secret: false, required: true, check: noSpaces },
    { key: 'secretAccessKey', label: 'Secret access key', secret: true, required: true },
    {
      key: 'linkMode',
      label: 'Links',
      secret: false,
      required: false,
      kind: 'select',
      options: ['presigned', 'public'],
      defaultValue: 'presigned',
      help: 'Presigned links expire; public links need a bucket (or CDN) that serves objects publicly.',
    },
    {
      key: 'linkExpirySeconds',
      label: 'Presigned link lifetime (seconds)',
      secret: false,
      required: false,
      kind: 'number',
      defaultValue: '604800',
      help: 'At most 604800 (7 days).',
    },
    {
      key: 'publicBaseUrl',
      label: 'Public base URL',
      secret: false,
      required: false,
      kind: 'url',
      placeholder: 'https://cdn.example.com',
      help: 'For public links: the object key is appended to it.',
      check: httpBaseUrl,
    },
    {
      key: 'maxParts',
      label: 'Maximum parts per upload',
      secret: false,
      required: false,
      kind: 'number',
      defaultValue: '10000',
      help: 'Some S3-compatible services allow only 1000.',
    },
    {
      key: 'partConcurrency',
      label: 'Parts sent in parallel',
      secret: false,
      required: false,
      kind: 'number',
      defaultValue: '3',
    },
  ],
} as const satisfies ProviderCatalogEntry;
