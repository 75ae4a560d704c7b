import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FerryLogger } from '../log/logger.ts';
import { clientFaultFields, guardClientErrors, requestTimeouts, throttledLog } from '../net/server-guard.ts';
import { failure, Refusal, sendAnswer } from './picgo-answer.ts';
import { routeRequest, type RouteContext } from './local-api-routes.ts';
import { guardRequest, pathOf } from './request-guard.ts';
import type { ServiceClient } from './upload-batch.ts';

export { heartbeatPath, uploadPath } from './local-api-routes.ts';

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

/**
 * Ferry's PicGo-compatible upload API on 127.0.0.1. Each request passes the guard (request-guard.ts:
 * Host, Origin, secret), then its route (local-api-routes.ts). This module owns the server's life:
 * listening, answering what a route refused or crashed on, and closing without cutting uploads short.
 */
export async function startLocalApiServer(options: LocalApiServerOptions): Promise<LocalApiServer> {
  const { logger } = options;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  let port = 0;
  const context: RouteContext = {
    service: options.service,
    logger,
    defaultAccountId: () => options.defaultAccountId(),
    maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes,
    uploadTimeoutMs: options.uploadTimeoutMs ?? defaultUploadTimeoutMs,
    stopping: stopping.signal,
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = guardRequest(request, { port, secret: options.secret(), logger });
    return routeRequest(request, response, url, context);
  };

  const logFault = throttledLog((message, fields) => logger.warn(message, fields));
  const server: Server = createServer(
    // The request itself must arrive promptly; the wait for uploads that follows is not bounded by these.
    requestTimeouts({ headersMs: 10_000, requestMs: 30_000 }),
    (request, response) => {
      const work = handle(request, response)
        .catch((error: unknown) => {
          if (request.socket.destroyed) {
            // The client reset or hung up mid-request: its fault, and nobody is left to answer.
            logFault('client connection closed', {
              path: pathOf(request),
              ...clientFaultFields('local api', error),
            });
            return;
          }
          if (!request.complete) {
            // Refused before its body was read: discard the rest and do not reuse the connection.
            response.setHeader('connection', 'close');
            request.resume();
          }
          if (error instanceof Refusal) return sendAnswer(response, error.status, failure(error.message));
          logger.error('local api request crashed', { path: pathOf(request), err: error });
          sendAnswer(response, 500, failure("Ferry hit an internal error; the details are in Ferry's log."));
        })
        .finally(() => inFlight.delete(work));
      inFlight.add(work);
    },
  );
  guardClientErrors(server, 'local api', logFault);
  server.maxConnections = 64;

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
