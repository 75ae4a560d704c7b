import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  /**
   * Stop: abort `closing` (stalled handlers give up), refuse new connections, drop open ones, then wait
   * for every handler that was running. Safe to call more than once.
   */
  close(): Promise<void>;
}

export interface LoopbackServerOptions {
  /** 0 picks a free port. */
  port: number;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Answer a handler that threw before anything was sent, in the protocol's own error shape. */
  onCrash(response: ServerResponse, error: unknown): void;
  /** Aborted first on close, so handlers waiting on a fault (a stall) return at once. */
  closing?: AbortController;
}

/**
 * The HTTP side every emulator shares: bound to 127.0.0.1 only (tests never send traffic elsewhere),
 * handlers tracked so `close` can wait for them, a crashed handler answered or its connection dropped.
 */
export async function startLoopbackServer(options: LoopbackServerOptions): Promise<LoopbackServer> {
  const handlers = new Set<Promise<void>>();
  const server = createServer((request, response) => {
    const handled = options.handle(request, response).catch((error: unknown) => {
      if (response.headersSent || response.destroyed) response.destroy();
      else options.onCrash(response, error);
    });
    handlers.add(handled);
    void handled.finally(() => handlers.delete(handled));
  });
  const port = await listen(server, options.port);
  let closed: Promise<void> | undefined;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    close() {
      closed ??= (async () => {
        options.closing?.abort();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await stopped;
        await Promise.allSettled([...handlers]);
      })();
      return closed;
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** An error message for a handler that threw. */
export function crashMessage(error: unknown): string {
  return `emulator error: ${error instanceof Error ? error.message : String(error)}`;
}

/** Read and discard the rest of a request body; `onChunk` sees each chunk (emulators count bytes). */
export async function drainRequest(
  request: IncomingMessage,
  onChunk: (chunk: Buffer) => void = () => {},
): Promise<void> {
  if (request.complete) return;
  await new Promise<void>((resolve) => {
    request.on('data', onChunk);
    request.on('end', resolve);
    request.on('close', resolve);
    request.on('error', () => resolve());
    request.resume();
  });
}

/** The "connection reset mid-body" fault: once the first body bytes arrive (seen by `onChunk`), drop the socket. */
export async function resetMidBody(
  request: IncomingMessage,
  onChunk: (chunk: Buffer) => void = () => {},
): Promise<void> {
  await new Promise<void>((resolve) => {
    const reset = (chunk?: Buffer) => {
      if (chunk) onChunk(chunk);
      request.socket.destroy();
      resolve();
    };
    request.once('data', reset);
    request.once('end', reset);
    request.once('error', () => resolve());
    request.once('close', () => resolve());
  });
}
