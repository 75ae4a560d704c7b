import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface LoopbackReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface LoopbackRequest {
  port: number;
  method: string;
  /** Path and query, sent as they are (a fuzzed target need not be a valid URL). */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | null;
}

/**
 * One HTTP exchange with a server of Ferry's on 127.0.0.1, read whole, rejected when no answer comes
 * within `timeoutMs`. A connection per request: a server closes one after refusing, and a kept-alive
 * socket reused after that would fail in the client, not in Ferry.
 */
export function loopbackRequest(
  request: LoopbackRequest,
  options: { timeoutMs: number; encoding?: BufferEncoding },
): Promise<LoopbackReply> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: request.port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString(options.encoding ?? 'utf8'),
          });
        });
      },
    );
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(request.body ?? undefined);
  });
}
