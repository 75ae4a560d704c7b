// What Ferry is measured against: the plainest code that moves the same bytes to the same server.
import { createHash, randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import aws4 from 'aws4';
import { readRange } from '../support/read-range.ts';
import type { ChildEndpoint } from '../support/upload-child-harness.ts';

/** A loopback server that reads and discards request bodies, counting them: the cheapest possible sink. */
export async function startDiscardSink(): Promise<{ url: string; bytes(): number; close(): Promise<void> }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (received += chunk.length));
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/sink`,
    bytes: () => received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (body += chunk));
    response.on('end', () => resolve(body));
    response.on('error', reject);
  });
}

/** One streaming PUT of the whole file with Node's own http client: no retries, no journal, no hashing. */
export async function plainStreamingPut(url: string, path: string): Promise<void> {
  const { size } = await stat(path);
  await new Promise<void>((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-length': size } }, (response) => {
      void readBody(response).then(() =>
        response.statusCode! < 300 ? resolve() : reject(new Error(`PUT answered ${response.statusCode}`)),
      );
    });
    req.on('error', reject);
    pipeline(createReadStream(path, { highWaterMark: 256 * 1024 }), req).catch(reject);
  });
}

/**
 * Tencent's pic_up done by hand: MD5 first (the protocol puts it in every slice), then one base64 JSON
 * slice after another on a keep-alive connection, following Next_Offset. The same protocol work Ferry
 * does, minus its engine (journal, retries, progress, SHA-256 for the history).
 */
export async function plainPicUp(
  endpoint: ChildEndpoint,
  path: string,
  sliceSize = 1024 * 1024,
): Promise<string> {
  const { size } = await stat(path);
  const md5 = createHash('md5');
  await pipeline(createReadStream(path, { highWaterMark: 1024 * 1024 }), async (source) => {
    for await (const chunk of source as AsyncIterable<Buffer>) md5.update(chunk);
  });
  const fileMd5 = md5.digest('hex');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/v4/openpic/pic_up', endpoint.baseUrl);
  url.searchParams.set('sdkappid', endpoint.credentials.sdkAppId);
  url.searchParams.set('identifier', endpoint.credentials.identifier);
  url.searchParams.set('usersig', endpoint.credentials.userSig);
  url.searchParams.set('contenttype', 'json');
  const identity = { Seq: randomInt(1, 2 ** 31), Timestamp: Math.floor(Date.now() / 1000) };
  const random = randomInt(0, 2 ** 32 - 1);
  let offset = 0;
  try {
    for (;;) {
      const sliceEnd = Math.min(size, offset + sliceSize);
      const data = await readRange(path, offset, sliceEnd);
      const body = JSON.stringify({
        App_Version: '1.0',
        From_Account: 'bench',
        To_Account: 'bench',
        ...identity,
        Random: random,
        File_Str_Md5: fileMd5,
        File_Size: size,
        File_Type: 4,
        Busi_Id: 2,
        PkgFlag: 1,
        Slice_Offset: offset,
        Slice_Size: sliceEnd - offset,
        Slice_Data: data.toString('base64'),
      });
      const answer = await new Promise<string>((resolve, reject) => {
        const req = request(
          url,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          },
          (response) => void readBody(response).then(resolve, reject),
        );
        req.on('error', reject);
        req.end(body);
      });
      const parsed = JSON.parse(answer) as { IsFinish?: number; Next_Offset?: number; File_UUID?: string };
      if (parsed.IsFinish === 1) return parsed.File_UUID!;
      if (parsed.Next_Offset === undefined) throw new Error(`pic_up answered ${answer}`);
      offset = parsed.Next_Offset;
    }
  } finally {
    agent.destroy();
  }
}

/** Many small files by hand with the same concurrency as Ferry: N workers, each file one pic_up request. */
export async function plainPicUpMany(
  endpoint: ChildEndpoint,
  paths: readonly string[],
  concurrency: number,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths.length) await plainPicUp(endpoint, paths[next++]!);
    }),
  );
}

/** Stream a file as the body of one request and resolve with the response's status and headers. */
function streamFile(
  url: string,
  method: string,
  headers: Record<string, string | number>,
  path: string,
  range: { start: number; end: number } | undefined = undefined,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (response) => {
      void readBody(response).then(
        (body) => resolve({ status: response.statusCode!, headers: response.headers, body }),
        reject,
      );
    });
    req.on('error', reject);
    const file = createReadStream(path, {
      highWaterMark: 256 * 1024,
      ...(range ? { start: range.start, end: range.end - 1 } : {}),
    });
    pipeline(file, req).catch(reject);
  });
}

/**
 * tus by hand: one creation POST, then the whole file in a single streamed PATCH, or, given a chunk
 * size, one streamed PATCH per chunk, each sent when the last was answered (as tus requires).
 */
export async function plainTusUpload(
  endpoint: { endpoint: string; authHeaderName?: string; authHeaderValue?: string },
  path: string,
  chunkSize = Infinity,
): Promise<void> {
  const { size } = await stat(path);
  const auth: Record<string, string> =
    endpoint.authHeaderName && endpoint.authHeaderValue
      ? { [endpoint.authHeaderName]: endpoint.authHeaderValue }
      : {};
  const created = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(endpoint.endpoint, {
      method: 'POST',
      headers: { ...auth, 'tus-resumable': '1.0.0', 'upload-length': size, 'content-length': 0 },
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response);
    });
    req.on('error', reject);
    req.end();
  });
  if (created.statusCode !== 201) throw new Error(`tus creation answered ${created.statusCode}`);
  const location = new URL(created.headers.location!, endpoint.endpoint).toString();
  for (let offset = 0; offset < size; offset += chunkSize) {
    const end = Math.min(size, offset + chunkSize);
    const patched = await streamFile(
      location,
      'PATCH',
      {
        ...auth,
        'tus-resumable': '1.0.0',
        'upload-offset': offset,
        'content-type': 'application/offset+octet-stream',
        'content-length': end - offset,
      },
      path,
      { start: offset, end },
    );
    if (patched.status !== 204) throw new Error(`tus PATCH answered ${patched.status}`);
  }
}

/** S3 by hand: one streamed PutObject of the whole file, SigV4 with an unsigned payload (as Ferry's parts). */
export async function plainS3Put(
  endpoint: {
    endpoint: string;
    region: string;
    bucket: string;
    accessKeyId: string;
    secretAccessKey: string;
  },
  path: string,
): Promise<void> {
  const { size } = await stat(path);
  const url = new URL(`/${endpoint.bucket}/plain-${randomInt(1, 2 ** 31)}.bin`, endpoint.endpoint);
  const signed = aws4.sign(
    {
      host: url.host,
      path: url.pathname,
      method: 'PUT',
      service: 's3',
      region: endpoint.region,
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(size) },
    },
    { accessKeyId: endpoint.accessKeyId, secretAccessKey: endpoint.secretAccessKey },
  );
  const answer = await streamFile(url.toString(), 'PUT', signed.headers as Record<string, string>, path);
  if (answer.status !== 200) throw new Error(`PutObject answered ${answer.status}: ${answer.body}`);
}
