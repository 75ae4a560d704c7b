import type { Server, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * What every Ferry HTTP server does about a client that misbehaves (resets mid-request, sends bytes
 * that are not HTTP, trickles its headers, never sends at all): that one connection is closed and
 * logged, and the server goes on. Node only guards a socket while its HTTP parser owns it; an upgrade
 * socket, a WebSocket and a streamed file need their own handlers, which the servers add themselves.
 */

/** Where a log line about a client goes: the service's logger (warn) in the app, the web shell and the local API. */
export type ClientFaultLog = (message: string, fields: Record<string, unknown>) => void;

/**
 * The parts of an error that may be logged: its code and message. Never the bytes the client sent
 * (`rawPacket` on a parse error), which may hold a token or a key.
 */
export function clientFaultFields(where: string, error: unknown): Record<string, unknown> {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    where,
    code: typeof code === 'string' ? code : null,
    reason: typeof message === 'string' ? message.slice(0, 200) : String(error).slice(0, 200),
  };
}

/**
 * `createServer` options that cut slow clients: a request's headers must arrive within `headersMs`,
 * the whole request within `requestMs`. Node checks these only every 30 s by default, which lets a
 * silent or trickling connection hold its socket half a minute past the limit; here every second.
 */
export function requestTimeouts(limits: {
  headersMs: number;
  requestMs: number;
}): Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'> {
  return {
    headersTimeout: limits.headersMs,
    requestTimeout: limits.requestMs,
    connectionsCheckingInterval: 1000,
  };
}

const clientErrorAnswers: Readonly<Record<string, string>> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

/**
 * A connection the HTTP parser gave up on (a reset, a timeout, bytes that are not HTTP): answered
 * with a bare status line when nothing was written on it yet, then closed, and logged.
 */
export function guardClientErrors(server: Server, where: string, log: ClientFaultLog): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    log('client connection closed', clientFaultFields(where, error));
    const written = (socket as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;
    if (socket.writable && written === 0 && error.code !== 'ECONNRESET') {
      const status = clientErrorAnswers[error.code ?? ''] ?? '400 Bad Request';
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
  });
}

/**
 * Node takes its own error handler off a socket before it emits 'upgrade': from there on an error
 * on it (a client that resets while it is being answered) is the upgrade handler's to catch.
 */
export function guardUpgradeSocket(socket: Duplex, where: string, log: ClientFaultLog): void {
  socket.on('error', (error) => {
    log('client connection closed', clientFaultFields(where, error));
    socket.destroy();
  });
}

/**
 * A log that a flood of hostile connections cannot fill: at most `burst` lines per `windowMs`; the
 * lines left out are counted and the count goes with the next line that is written.
 */
export function throttledLog(
  log: ClientFaultLog,
  options: { burst?: number; windowMs?: number } = {},
): ClientFaultLog {
  const burst = options.burst ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  let windowStart = 0;
  let written = 0;
  let dropped = 0;
  return (message, fields) => {
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      written = 0;
    }
    if (written >= burst) {
      dropped++;
      return;
    }
    written++;
    log(message, dropped > 0 ? { ...fields, linesLeftOut: dropped } : fields);
    dropped = 0;
  };
}

/**
 * Stream a file (or any source `open` makes) into a response; rejects when the read fails or the
 * client hangs up. `pipeline` refuses a response the client already closed without closing the
 * source (ERR_STREAM_UNABLE_TO_PIPE), which would keep the file open for good: the source is opened
 * only for a response that is still open, and destroyed whatever happens.
 */
export async function streamIntoResponse(open: () => Readable, response: ServerResponse): Promise<void> {
  if (response.destroyed) return;
  const source = open();
  try {
    await pipeline(source, response);
  } finally {
    source.destroy();
  }
}
