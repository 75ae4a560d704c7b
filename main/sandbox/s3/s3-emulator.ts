import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import S3rver from 's3rver';
import { startFaultProxy, type FaultOptions, type FaultProxyStats, type ProxyFault } from '../fault-proxy.ts';
import { presignParameters, verifySigV4, type S3KeyPair } from './sigv4-verifier.ts';

export interface S3EmulatorOptions {
  storageDir: string;
  /** Port of the front clients talk to (the fault proxy); 0 (the default) picks a free port. */
  port?: number;
  bucket?: string;
  credentials?: S3KeyPair;
}

export interface S3EmulatorStats extends FaultProxyStats {
  /** Part or object uploads that carried Content-MD5, and those whose bytes did not match it. */
  contentMd5Headers: number;
  contentMd5Mismatches: number;
}

export interface S3Emulator {
  /** Path-style endpoint, e.g. http://127.0.0.1:41234 (the fault proxy in front of the S3 front). */
  readonly baseUrl: string;
  /**
   * Virtual-host-style endpoint: http://s3.localhost:<port>; buckets are addressed as
   * <bucket>.s3.localhost, which the client must resolve to 127.0.0.1 itself.
   */
  readonly vhostEndpoint: string;
  readonly bucket: string;
  readonly region: string;
  readonly credentials: S3KeyPair;
  injectFault(fault: ProxyFault, options?: FaultOptions): void;
  clearFaults(): number;
  stats(): S3EmulatorStats;
  /** Objects stored in the bucket (s3rver's files), with sizes. */
  listObjects(): Promise<Array<{ key: string; size: number }>>;
  /** Multipart uploads begun and neither completed nor aborted. */
  listUploads(): Promise<Array<{ key: string; uploadId: string; parts: number[] }>>;
  close(): Promise<void>;
}

const objectSuffix = '._S3rver_object';
/** The longest name s3rver gives a key's last segment on disk (`<segment>._S3rver_metadata.json`). */
const longestSuffixBytes = Buffer.byteLength('._S3rver_metadata.json');
/** S3's own limit on a key. */
const maxKeyBytes = 1024;
/** What ext4, APFS and most other file systems allow for one name. */
const maxFileNameBytes = 255;
const uploadsDirName = '._S3rver_uploads';
const vhostPattern = /^(.+)\.s3\.localhost$/;

/**
 * S3 on loopback for tests and the sandbox: s3rver 3.7.1 behind a thin front that adds what s3rver
 * lacks and Ferry needs — SigV4 verification (s3rver accepts any V4 signature), ListParts,
 * AbortMultipartUpload, ListMultipartUploads, and NoSuchUpload for unknown upload ids (s3rver would
 * silently create the upload's folder) — all answered from s3rver's own files. The fault proxy sits
 * in front of it all.
 */
export async function startS3Emulator(options: S3EmulatorOptions): Promise<S3Emulator> {
  const bucket = options.bucket ?? 'ferry-sandbox';
  const credentials = options.credentials ?? {
    accessKeyId: `FERRY${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  const region = 'us-east-1';
  const s3rver = new S3rver({
    directory: options.storageDir,
    silent: true,
    serviceEndpoint: 'localhost',
    configureBuckets: [{ name: bucket }],
  });
  await s3rver.configureBuckets();
  const s3rverHandler = s3rver.callback();
  const counters = { contentMd5Headers: 0, contentMd5Mismatches: 0 };
  const completing = new Map<string, Promise<void>>();
  const uploadsDir = (bucketName: string): string => join(options.storageDir, bucketName, uploadsDirName);

  const front = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else sendError(response, 500, 'InternalError', error instanceof Error ? error.message : String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const check = verifySigV4(request, credentials);
    if (!check.ok) {
      request.resume();
      return sendError(response, check.status, check.code, check.message, request.method === 'HEAD');
    }
    const dotSegment = rawSegments(request.url ?? '/').find((segment) => segment === '.' || segment === '..');
    if (dotSegment !== undefined) {
      request.resume();
      return sendError(
        response,
        400,
        'InvalidArgument',
        `The sandbox keeps each object as a file: a key with a "${dotSegment}" segment would leave its bucket.`,
        request.method === 'HEAD',
      );
    }
    const url = new URL(request.url ?? '/', 'http://placeholder');
    const hostname = (request.headers.host ?? '').replace(/:\d+$/, '');
    const vhost = vhostPattern.exec(hostname)?.[1];
    const segments = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const bucketName = vhost ?? segments.shift() ?? '';
    const key = segments.join('/');
    const uploadId = url.searchParams.get('uploadId');
    const known = bucketName === bucket;
    const tooLong = keyTooLong(key);
    if (tooLong !== undefined) {
      request.resume();
      return sendError(response, 400, 'KeyTooLongError', tooLong, request.method === 'HEAD');
    }

    if (known && key === '' && request.method === 'GET' && url.searchParams.has('uploads')) {
      return sendXml(response, 200, await listUploadsXml(bucketName, url.searchParams.get('prefix') ?? ''));
    }
    if (known && key !== '' && uploadId !== null && request.method === 'POST') {
      // S3 finishes one Complete before it answers another for the same upload, so a repeated
      // Complete finds the upload gone (NoSuchUpload) rather than racing s3rver's assembly of it.
      for (let running = completing.get(uploadId); running; running = completing.get(uploadId)) await running;
      let resolve = (): void => {};
      completing.set(uploadId, new Promise<void>((settle) => (resolve = settle)));
      try {
        return await route(request, response, url, bucketName, key, uploadId);
      } finally {
        completing.delete(uploadId);
        resolve();
      }
    }
    return route(request, response, url, bucketName, key, uploadId);
  }

  async function route(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    bucketName: string,
    key: string,
    uploadId: string | null,
  ): Promise<void> {
    const known = bucketName === bucket;
    if (known && key !== '' && uploadId !== null) {
      const upload = await readUpload(bucketName, uploadId);
      if (!upload || upload.key !== key) {
        request.resume();
        return sendError(
          response,
          404,
          'NoSuchUpload',
          'The specified upload does not exist.',
          request.method === 'HEAD',
        );
      }
      if (request.method === 'GET')
        return sendXml(response, 200, await listPartsXml(bucketName, key, uploadId, url));
      if (request.method === 'DELETE') {
        await rm(join(uploadsDir(bucketName), uploadId), { recursive: true, force: true });
        response.writeHead(204).end();
        return;
      }
      if (request.method === 'PUT') {
        // A part being (re)written is not listed until s3rver wrote its .md5, after the last byte.
        const partNumber = url.searchParams.get('partNumber') ?? '';
        if (!/^\d+$/.test(partNumber))
          return sendError(response, 400, 'InvalidArgument', 'partNumber is required.');
        await rm(join(uploadsDir(bucketName), uploadId, `${Number(partNumber)}.md5`), { force: true });
      }
    }

    if (known && key !== '' && uploadId === null && request.method === 'PUT') {
      // S3 stores an object only if its whole body arrived (a cut PutObject is IncompleteBody);
      // s3rver would keep whatever part of it came.
      request.once('close', () => {
        if (!request.complete) s3rver.store.deleteObject(bucketName, key).catch(() => {});
      });
    }

    const contentMd5 = request.headers['content-md5'];
    if (request.method === 'PUT' && typeof contentMd5 === 'string') {
      counters.contentMd5Headers++;
      response.on('finish', () => {
        const etag = String(response.getHeader('etag') ?? '').replace(/"/g, '');
        if (response.statusCode === 200 && Buffer.from(contentMd5, 'base64').toString('hex') !== etag) {
          counters.contentMd5Mismatches++;
        }
      });
    }
    // s3rver would look up the signer's key id in its own registry: hand it an anonymous request.
    delete request.headers.authorization;
    for (const name of presignParameters) url.searchParams.delete(name);
    request.url = `${url.pathname}${url.search}`;
    await s3rverHandler(request, response);
  }

  async function readUpload(bucketName: string, uploadId: string): Promise<{ key: string } | undefined> {
    if (!/^[0-9a-f]+$/.test(uploadId)) return undefined;
    try {
      return { key: await readFile(join(uploadsDir(bucketName), uploadId, 'key'), 'utf8') };
    } catch {
      return undefined;
    }
  }

  /** Parts whose bytes and MD5 s3rver has finished writing. */
  async function storedParts(bucketName: string, uploadId: string) {
    const dir = join(uploadsDir(bucketName), uploadId);
    const names = await readdir(dir).catch(() => [] as string[]);
    const parts: Array<{ partNumber: number; etag: string; size: number; lastModified: Date }> = [];
    for (const name of names) {
      if (!/^\d+\.md5$/.test(name)) continue;
      const partNumber = Number(name.slice(0, -4));
      try {
        const [md5, info] = await Promise.all([
          readFile(join(dir, name), 'utf8'),
          stat(join(dir, String(partNumber))),
        ]);
        parts.push({ partNumber, etag: `"${md5.trim()}"`, size: info.size, lastModified: info.mtime });
      } catch {
        // removed while listing: not a part any more
      }
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async function listPartsXml(bucketName: string, key: string, uploadId: string, url: URL): Promise<string> {
    const maxParts = Math.min(1000, Math.max(1, Number(url.searchParams.get('max-parts') ?? 1000) || 1000));
    const marker = Number(url.searchParams.get('part-number-marker') ?? 0) || 0;
    const after = (await storedParts(bucketName, uploadId)).filter((part) => part.partNumber > marker);
    const page = after.slice(0, maxParts);
    const truncated = after.length > page.length;
    const parts = page
      .map(
        (part) =>
          `<Part><PartNumber>${part.partNumber}</PartNumber><LastModified>${part.lastModified.toISOString()}</LastModified><ETag>${escape(part.etag)}</ETag><Size>${part.size}</Size></Part>`,
      )
      .join('');
    return (
      `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escape(bucketName)}</Bucket>` +
      `<Key>${escape(key)}</Key><UploadId>${uploadId}</UploadId><PartNumberMarker>${marker}</PartNumberMarker>` +
      (truncated ? `<NextPartNumberMarker>${page.at(-1)!.partNumber}</NextPartNumberMarker>` : '') +
      `<MaxParts>${maxParts}</MaxParts><IsTruncated>${truncated}</IsTruncated>${parts}</ListPartsResult>`
    );
  }

  async function uploads(
    bucketName: string,
  ): Promise<Array<{ key: string; uploadId: string; parts: number[]; initiated: Date }>> {
    const ids = await readdir(uploadsDir(bucketName)).catch(() => [] as string[]);
    const found = [];
    for (const uploadId of ids.sort()) {
      const upload = await readUpload(bucketName, uploadId);
      if (!upload) continue;
      const parts = (await storedParts(bucketName, uploadId)).map((part) => part.partNumber);
      const initiated = (await stat(join(uploadsDir(bucketName), uploadId, 'key'))).mtime;
      found.push({ key: upload.key, uploadId, parts, initiated });
    }
    // S3 lists by key, then by the time each upload was initiated.
    return found.sort((a, b) => a.key.localeCompare(b.key) || a.initiated.getTime() - b.initiated.getTime());
  }

  /** ListMultipartUploads with `prefix`; one page (the sandbox never holds 1,000 open uploads). */
  async function listUploadsXml(bucketName: string, prefix: string): Promise<string> {
    const entries = (await uploads(bucketName))
      .filter((upload) => upload.key.startsWith(prefix))
      .map(
        (upload) =>
          `<Upload><Key>${escape(upload.key)}</Key><UploadId>${upload.uploadId}</UploadId>` +
          `<Initiated>${upload.initiated.toISOString()}</Initiated></Upload>`,
      )
      .join('');
    return `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escape(bucketName)}</Bucket><Prefix>${escape(prefix)}</Prefix><IsTruncated>false</IsTruncated>${entries}</ListMultipartUploadsResult>`;
  }

  const sockets = new Set<Socket>();
  front.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const frontPort = await new Promise<number>((resolve, reject) => {
    front.once('error', reject);
    front.listen(0, '127.0.0.1', () => resolve((front.address() as AddressInfo).port));
  });
  const proxy = await startFaultProxy({
    target: `http://127.0.0.1:${frontPort}`,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });

  let closed: Promise<void> | undefined;
  return {
    baseUrl: proxy.baseUrl,
    vhostEndpoint: `http://s3.localhost:${proxy.port}`,
    bucket,
    region,
    credentials,
    injectFault: (fault, faultOptions) => proxy.injectFault(fault, faultOptions),
    clearFaults: () => proxy.clearFaults(),
    stats: () => ({ ...proxy.stats(), ...counters }),
    async listObjects() {
      const found: Array<{ key: string; size: number }> = [];
      const walk = async (dir: string, prefix: string): Promise<void> => {
        // s3rver removes an object's folder while a cut-off PutObject is dropped: gone is empty.
        const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return [];
          throw error;
        });
        for (const entry of entries) {
          if (entry.isDirectory()) {
            if (entry.name !== uploadsDirName) await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
          } else if (entry.name.endsWith(objectSuffix)) {
            const info = await stat(join(dir, entry.name)).catch(() => undefined);
            if (info === undefined) continue;
            found.push({ key: `${prefix}${entry.name.slice(0, -objectSuffix.length)}`, size: info.size });
          }
        }
      };
      await walk(join(options.storageDir, bucket), '');
      return found.sort((a, b) => a.key.localeCompare(b.key));
    },
    listUploads: async () =>
      (await uploads(bucket)).map(({ key, uploadId, parts }) => ({ key, uploadId, parts })),
    close() {
      closed ??= (async () => {
        await proxy.close();
        await new Promise<void>((resolve) => {
          front.close(() => resolve());
          for (const socket of sockets) socket.destroy();
        });
        s3rver.logger.exceptions.unhandle();
        s3rver.logger.close();
      })();
      return closed;
    },
  };
}

/** The path's segments as sent, before URL parsing resolves `.` and `..` away. */
function rawSegments(requestUrl: string): string[] {
  const path = requestUrl.split('?')[0] ?? '';
  return path.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
}

/**
 * Why s3rver cannot keep this key (it stores each segment as a folder or file name, and a name too
 * long makes its write stream fail outside any handler, which would end the process); undefined when
 * it can.
 */
function keyTooLong(key: string): string | undefined {
  if (Buffer.byteLength(key) > maxKeyBytes) return 'Your key is too long.';
  const segments = key.split('/');
  const last = segments.pop() ?? '';
  const longFolder = segments.find((segment) => Buffer.byteLength(segment) > maxFileNameBytes);
  if (longFolder !== undefined || Buffer.byteLength(last) + longestSuffixBytes > maxFileNameBytes) {
    return (
      `The sandbox keeps each object as a file: a key segment may have at most ${maxFileNameBytes} bytes, ` +
      `the last one ${maxFileNameBytes - longestSuffixBytes} (S3 itself has no such limit).`
    );
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function sendXml(response: ServerResponse, status: number, body: string): void {
  response
    .writeHead(status, { 'content-type': 'application/xml' })
    .end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headOnly = false,
): void {
  if (headOnly) {
    response.writeHead(status).end();
    return;
  }
  sendXml(
    response,
    status,
    `<Error><Code>${code}</Code><Message>${escape(message)}</Message><RequestId>ferry-sandbox</RequestId></Error>`,
  );
}
