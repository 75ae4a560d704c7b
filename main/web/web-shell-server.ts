import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy } from '../../shared/csp.ts';
import {
  stagingPath,
  thumbnailPathPattern,
  tokenFragmentKey,
  webClientMessageSchema,
  webSocketPath,
  type WebServerMessage,
} from '../../shared/web-protocol.ts';
import { toErrorView } from '../contract-dispatch.ts';
import { requestTarget } from '../net/request-target.ts';
import {
  clientFaultFields,
  guardClientErrors,
  guardUpgradeSocket,
  requestTimeouts,
  throttledLog,
} from '../net/server-guard.ts';
import type { FerryService } from '../service.ts';
import { stageUpload } from './staging.ts';
import { serveFile, serveStatic } from './static-files.ts';

export interface WebShellOptions {
  service: FerryService;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  port?: number;
  /** Fixed token for tests; a random one per run otherwise. */
  token?: string;
}

export interface WebShell {
  /** Open this in a browser: the token rides in the fragment, which browsers never send to servers. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  close(): Promise<void>;
}

function sameSecret(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's path without its query, which may hold the token. */
function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0]!.slice(0, 200);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** The largest frame a client may send; a larger one closes the socket with 1009 (ws's own check). */
export const webShellMaxFrameBytes = 1024 * 1024;

/**
 * The web shell: the same service as the desktop app, carried over a WebSocket on 127.0.0.1 for
 * browsers (development, Playwright) where no Electron binary exists. Only loopback, only requests
 * that name this server's own host (against DNS rebinding) and carry the per-run token.
 */
export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const { service } = options;
  let origin = '';
  let allowedHosts = new Set<string>();
  let staticHeaders: Record<string, string> = {};

  // The token rides in URLs (thumbnails, the WebSocket): should one reach a log line, it is redacted.
  service.logger.redactor.register(token);
  const logFault = throttledLog((message, fields) => service.logger.warn(message, fields));

  const server: Server = createServer(
    // The browser on this machine sends its headers at once; a file it stages may take minutes.
    requestTimeouts({ headersMs: 5000, requestMs: 10 * 60_000 }),
    (request, response) => {
      void handleHttp(request, response).catch((error: unknown) => {
        // A client that hung up mid-request or a file that failed mid-read: this request ends here.
        logFault('web shell request failed', {
          path: pathOf(request),
          ...clientFaultFields('web shell', error),
        });
        if (!response.headersSent && !response.destroyed)
          sendJson(response, 500, { error: { code: 'internal', message: 'Internal error' } });
        else response.destroy();
      });
    },
  );
  guardClientErrors(server, 'web shell', logFault);

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHosts.has(request.headers.host ?? '')) {
      sendJson(response, 421, { error: { code: 'invalid-request', message: 'Unknown host' } });
      return;
    }
    const url = requestTarget(request.url);
    if (url === null)
      return sendJson(response, 400, { error: { code: 'invalid-request', message: 'Not a request path' } });
    if (url.pathname === stagingPath) {
      if (request.method !== 'PUT')
        return sendJson(response, 405, { error: { code: 'invalid-request', message: 'Use PUT' } });
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (!sameSecret(bearer, token)) {
        request.resume();
        return sendJson(response, 401, {
          error: { code: 'invalid-request', message: 'Missing or wrong token' },
        });
      }
      const name = url.searchParams.get('name');
      if (!name)
        return sendJson(response, 400, { error: { code: 'invalid-request', message: 'name is required' } });
      const path = await stageUpload(service.stagingDir, name, request);
      return sendJson(response, 201, { path });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendJson(response, 405, { error: { code: 'invalid-request', message: 'Method not allowed' } });
    }
    const thumbnailKey = thumbnailPathPattern.exec(url.pathname)?.[1];
    if (thumbnailKey !== undefined) {
      // <img> cannot send a header: the token rides in the query, as on the WebSocket URL.
      if (!sameSecret(url.searchParams.get(tokenFragmentKey), token))
        return sendJson(response, 401, {
          error: { code: 'invalid-request', message: 'Missing or wrong token' },
        });
      return serveFile(service.thumbnailPath(thumbnailKey), response, staticHeaders);
    }
    await serveStatic(options.rendererDir, url.pathname, response, staticHeaders);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: webShellMaxFrameBytes });
  server.on('upgrade', (request, socket, head) => {
    guardUpgradeSocket(socket, 'web shell upgrade', logFault);
    const url = URL.parse(request.url ?? '/', origin);
    const trusted =
      url !== null &&
      url.pathname === webSocketPath &&
      allowedHosts.has(request.headers.host ?? '') &&
      // A page from any other origin must not drive Ferry even if it guessed the port.
      request.headers.origin === origin &&
      sameSecret(url.searchParams.get(tokenFragmentKey), token);
    if (!trusted) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const send = (message: WebServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const unsubscribe = service.subscribe((event) =>
      send({ type: 'event', name: event.name, payload: event.payload }),
    );
    ws.on('close', unsubscribe);
    // A frame over maxPayload or text that is not UTF-8: ws closes the socket (1009, 1007) after this.
    ws.on('error', (error) =>
      logFault('client connection closed', clientFaultFields('web shell websocket', error)),
    );
    ws.on('message', (data) => {
      let message;
      try {
        message = webClientMessageSchema.parse(JSON.parse(String(data)));
      } catch {
        ws.close(1008, 'malformed message');
        return;
      }
      service.dispatch(message.name, message.request).then(
        (response) => send({ type: 'result', id: message.id, ok: true, response }),
        (error: unknown) => send({ type: 'result', id: message.id, ok: false, error: toErrorView(error) }),
      );
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  staticHeaders = {
    'content-security-policy': contentSecurityPolicy([origin.replace(/^http/, 'ws')]),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };

  return {
    url: `${origin}/#${tokenFragmentKey}=${token}`,
    origin,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
