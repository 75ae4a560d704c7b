import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CommandError } from '../contract-dispatch.ts';
import type { FerryLogger } from '../log/logger.ts';
import { parseUploadRequest, type FileError } from './picgo-request.ts';
import { isAllowedHost, isAllowedOrigin, isSecretMatch, presentedKey } from './request-guard.ts';
import { uploadAndWait, type ServiceClient } from './upload-batch.ts';

/** The PicGo server's paths and answers, which Typora, Obsidian plugins and PicGo-Core clients speak. */
export const uploadPath = '/upload';
export const heartbeatPath = '/heartbeat';

export interface LocalApiServerOptions {
  service: ServiceClient;
  /** Read at each request, so that a new secret or default account applies without a restart. */
  secret(): string;
  defaultAccountId(): string | null;
  logger: FerryLogger;
  /** 0 picks a free port (tests); the settings' port otherwise. */
  port: number;
  /** Largest JSON body; PicGo's list of paths is a few hundred bytes. 1 MiB by default. */
  maxBodyBytes?: number;
  /** How long an upload request waits for its files before answering what is still running as a timeout. */
  uploadTimeoutMs?: number;
}

export interface LocalApiServer {
  readonly port: number;
  /** Stop listening, answer waiting requests with 503 (their uploads go on), close every connection. */
  close(): Promise<void>;
}

const defaultMaxBodyBytes = 1024 * 1024;
const defaultUploadTimeoutMs = 30 * 60_000;

type PicGoAnswer =
  | { success: true; result: string[] | string }
  | {
      success: false;
      message: string;
      result?: Array<string | null>;
      errors?: Array<{ index: number; path: string | null; code: FileError['code']; message: string }>;
    };

/** A refusal: the request ends here with this status and message. */
class Refusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * Ferry's PicGo-compatible upload API on 127.0.0.1. Each request passes, in order: the Host check
 * (DNS rebinding), the Origin check (cross-site pages), the secret, then the route. An upload goes
 * through the service's contract (`uploads.add`) like a drop onto the window, so its tasks show in
 * the queue and its entries in the history; the answer waits until every file has its link or error.
 */
export async function startLocalApiServer(options: LocalApiServerOptions): Promise<LocalApiServer> {
  const { logger, service } = options;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const uploadTimeoutMs = options.uploadTimeoutMs ?? defaultUploadTimeoutMs;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let port = 0;

  const server: Server = createServer((request, response) => {
    const work = handle(request, response)
      .catch((error: unknown) => {
        if (!request.complete) {
          // Refused before its body was read: discard the rest and do not reuse the connection.
          response.setHeader('connection', 'close');
          request.resume();
        }
        if (error instanceof Refusal) return answer(response, error.status, failure(error.message));
        logger.error('local api request crashed', { path: pathOf(request), err: error });
        answer(response, 500, failure("Ferry hit an internal error; the details are in Ferry's log."));
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  });
  // The request itself must arrive promptly; the wait for uploads that follows is not bounded by these.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxConnections = 64;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!isAllowedHost(request.headers.host, port)) {
      throw new Refusal(403, `Refused: the Host header must be 127.0.0.1:${port} or localhost:${port}.`);
    }
    if (!isAllowedOrigin(request.headers.origin)) {
      logger.warn('local api refused a cross-site request', { path: pathOf(request) });
      throw new Refusal(403, 'Refused: requests from web pages of other sites are not accepted.');
    }
    // Only the path and the key are read from the URL, and the URL (which may hold the key) is never logged.
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (!isSecretMatch(presentedKey(request.headers, url), options.secret())) {
      logger.warn('local api refused a request without the right key', { path: url.pathname });
      throw new Refusal(
        401,
        "Missing or wrong key: send Ferry's local API secret as ?key=, an x-ferry-key header or Authorization: Bearer.",
      );
    }
    if (url.pathname === heartbeatPath) {
      if (request.method !== 'GET' && request.method !== 'POST') throw new Refusal(405, 'Use POST or GET.');
      return answer(response, 200, { success: true, result: 'alive' });
    }
    if (url.pathname !== uploadPath)
      throw new Refusal(404, `Not found: ${uploadPath} and ${heartbeatPath} exist.`);
    if (request.method !== 'POST') throw new Refusal(405, 'Use POST.');
    return upload(request, response);
  }

  async function upload(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parsed = parseUploadRequest(await readJson(request, maxBodyBytes));
    if (parsed.kind === 'clipboard') {
      throw new Refusal(
        400,
        'Clipboard upload is not supported: send {"list": ["/absolute/path.png"]} with the files to upload.',
      );
    }
    if (parsed.kind === 'invalid') throw new Refusal(400, parsed.message);
    const accountId = options.defaultAccountId();
    if (accountId === null) {
      throw new Refusal(
        409,
        "No default account is set: choose the account that uploads from editors in Ferry's settings.",
      );
    }

    // The client hanging up (or the server stopping) ends the wait, never the uploads.
    const gone = new AbortController();
    response.on('close', () => gone.abort());
    const signal = AbortSignal.any([gone.signal, stopping.signal]);

    const { items } = parsed;
    const uploadable = items.flatMap((item) => ('path' in item ? [item.path] : []));
    const started = Date.now();
    let outcomes: Awaited<ReturnType<typeof uploadAndWait>> = [];
    if (uploadable.length > 0) {
      try {
        outcomes = await uploadAndWait(service, uploadable, {
          accountId,
          signal,
          timeoutMs: uploadTimeoutMs,
        });
      } catch (error) {
        if (stopping.signal.aborted)
          throw new Refusal(503, "Ferry's local API was stopped; the uploads go on in Ferry.");
        if (gone.signal.aborted) return;
        if (error instanceof CommandError) {
          throw new Refusal(
            error.view.code === 'invalid-request' ? 400 : 409,
            `The default account cannot upload: ${error.view.message}`,
          );
        }
        throw error;
      }
    }

    let next = 0;
    const result: Array<string | null> = [];
    const errors: Extract<PicGoAnswer, { success: false }>['errors'] & object = [];
    items.forEach((item, index) => {
      const outcome = 'path' in item ? outcomes[next++]! : { error: item.error };
      if ('url' in outcome) {
        result.push(outcome.url);
      } else {
        result.push(null);
        errors.push({ index, path: item.given, ...outcome.error });
      }
    });
    logger.info('local api upload', {
      files: items.length,
      uploaded: items.length - errors.length,
      failed: errors.map((error) => error.code),
      ms: Date.now() - started,
    });
    if (errors.length === 0) return answer(response, 200, { success: true, result: result as string[] });
    // PicGo clients read `success` and `message`; `result` and `errors` say which file got what.
    const shown = errors
      .slice(0, 3)
      .map((error) => `${error.path ?? `entry ${error.index + 1}`}: ${error.message}`)
      .join('; ');
    const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
    return answer(response, 200, {
      success: false,
      message: `${errors.length} of ${items.length} file${items.length === 1 ? '' : 's'} could not be uploaded. ${shown}${more}`,
      result,
      errors,
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  server.on('error', (error) => logger.error('local api server error', { err: error }));

  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      stopping.abort();
      server.closeIdleConnections();
      // Waiting uploads answer 503 at once; a client still sending its body gets a moment, not 30 s.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => (timer = setTimeout(resolve, 1000))),
      ]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}

function failure(message: string): PicGoAnswer {
  return { success: false, message };
}

function answer(response: ServerResponse, status: number, body: PicGoAnswer): void {
  if (response.headersSent || response.destroyed) return;
  response
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    .end(JSON.stringify(body));
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0]!.slice(0, 200);
}

/**
 * The body as JSON; undefined when it is empty (PicGo's clipboard form). Only JSON (or no declared
 * type): a page that slipped past the Origin check still could not send a form or plain text.
 */
async function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    request.resume(); // drained and discarded, bounded by the server's requestTimeout
    throw new Refusal(413, `The body is larger than ${maxBytes} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      tooLarge = true;
      continue; // keep draining so the answer reaches the client
    }
    chunks.push(chunk);
  }
  if (tooLarge) throw new Refusal(413, `The body is larger than ${maxBytes} bytes.`);
  if (size === 0) return undefined;
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new Refusal(415, 'The body must be JSON (Content-Type: application/json).');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Refusal(400, 'The body is not valid JSON.');
  }
}
