import { Agent, createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { holdRequestBody, type BodyHold } from './body-hold.ts';

/**
 * Faults a loopback front can put between a client and a real server. Each is consumed by one
 * request (FIFO among the faults whose `match` fits it).
 */
export type ProxyFault =
  /** The request is forwarded, then both connections are destroyed once `afterBodyBytes` arrived. */
  | { kind: 'reset'; afterBodyBytes?: number }
  /** Answered by the proxy with this status and body; the target never sees the request. */
  | {
      kind: 'status';
      status: number;
      body?: string;
      headers?: Record<string, string>;
      retryAfterSeconds?: number;
    }
  /** Forwarded and answered by the target, but the answer is held back for `ms` before it is sent. */
  | { kind: 'stall'; ms: number }
  /**
   * The target's answer is replaced by `body` (and `status`, if given). With `forward: false` the
   * target never sees the request; by default it does, so the request takes effect and only its
   * answer is lost — the case that tests idempotent retries.
   */
  | { kind: 'malformed'; body: string; status?: number; contentType?: string; forward?: boolean }
  /**
   * The request goes through whole and the target answers it, then the client's connection is cut
   * instead of relaying the answer: the server acted, the client never learns how (a dropped link).
   */
  | { kind: 'lose-answer' }
  /** Forwarded, but the body stops being read part-way until the test releases the hold. */
  | { kind: 'hold'; hold: BodyHold };

export interface FaultMatch {
  method?: string;
  /** A substring of, or a pattern for, the request target (path and query). */
  url?: string | RegExp;
}

export interface FaultOptions {
  /** Let this many matching requests through normally first. */
  afterRequests?: number;
  match?: FaultMatch;
}

export interface FaultProxyStats {
  requests: number;
  /** The same requests by method (`HEAD`, `PUT`, …), for tests whose count depends on which were asked. */
  requestsByMethod: Record<string, number>;
  /** Request-body bytes received from clients (whether or not they reached the target). */
  requestBodyBytes: number;
  faultsApplied: number;
}

export interface FaultProxy {
  readonly baseUrl: string;
  readonly port: number;
  injectFault(fault: ProxyFault, options?: FaultOptions): void;
  clearFaults(): number;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Where requests go, e.g. http://127.0.0.1:4568. The client's Host header is kept (SigV4 signs it). */
  target: string;
  port?: number;
}

interface QueuedFault {
  fault: ProxyFault;
  skip: number;
  match: FaultMatch | undefined;
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'upgrade',
  'te',
]);

function forwardableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name.toLowerCase())));
}

function matches(match: FaultMatch | undefined, request: IncomingMessage): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== request.method) return false;
  const url = request.url ?? '/';
  if (match.url instanceof RegExp) return match.url.test(url);
  if (typeof match.url === 'string') return url.includes(match.url);
  return true;
}

/**
 * A generic fault-injecting HTTP front on 127.0.0.1: forwards every request to `target` untouched
 * except for the faults queued with `injectFault`, and counts requests and request-body bytes.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const faults: QueuedFault[] = [];
  const counters: FaultProxyStats = {
    requests: 0,
    requestsByMethod: {},
    requestBodyBytes: 0,
    faultsApplied: 0,
  };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const takeFault = (request: IncomingMessage): ProxyFault | undefined => {
    for (let index = 0; index < faults.length; index++) {
      const queued = faults[index]!;
      if (!matches(queued.match, request)) continue;
      if (queued.skip > 0) {
        queued.skip--;
        return undefined; // this request is one of those let through before the fault
      }
      faults.splice(index, 1);
      counters.faultsApplied++;
      return queued.fault;
    }
    return undefined;
  };

  const server = createServer((request, response) => {
    counters.requests++;
    const method = request.method ?? '';
    counters.requestsByMethod[method] = (counters.requestsByMethod[method] ?? 0) + 1;
    request.on('data', (chunk: Buffer) => {
      counters.requestBodyBytes += chunk.length;
    });
    const fault = takeFault(request);
    if (fault?.kind === 'hold') holdRequestBody(request, fault.hold);
    if (fault?.kind === 'status' || (fault?.kind === 'malformed' && fault.forward === false)) {
      request.resume();
      request.on('end', () => {
        if (fault.kind === 'status') {
          const headers: Record<string, string> = { 'content-type': 'text/plain', ...fault.headers };
          if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
          response.writeHead(fault.status, headers).end(fault.body ?? `injected HTTP ${fault.status}`);
        } else {
          response
            .writeHead(fault.status ?? 200, { 'content-type': fault.contentType ?? 'application/xml' })
            .end(fault.body);
        }
      });
      return;
    }
    forward(request, response, fault);
  });

  function forward(request: IncomingMessage, response: ServerResponse, fault: ProxyFault | undefined): void {
    const upstream = httpRequest({
      agent,
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: forwardableHeaders(request.headers),
    });
    const cut = (): void => {
      upstream.destroy();
      request.socket.destroy();
    };
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      else response.destroy();
    });
    request.on('aborted', () => upstream.destroy());
    // A client that hangs up before its whole answer went out must not leave the exchange behind it
    // (two sockets and the server's file stream) paused forever.
    response.once('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });

    if (fault?.kind === 'reset') {
      const declared = Number(request.headers['content-length'] ?? 0);
      const limit = fault.afterBodyBytes ?? Math.floor(declared / 2);
      let seen = 0;
      if (limit <= 0) {
        cut();
        return;
      }
      // Cut once the bytes before the limit left for the target (plus a moment for it to read them),
      // so the target sees a truncated body rather than no request at all.
      const cutSoon = (): void => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          cut();
        }, 20);
        timers.add(timer);
      };
      request.on('data', (chunk: Buffer) => {
        if (seen >= limit) return;
        const room = limit - seen;
        seen += chunk.length;
        if (seen >= limit) upstream.write(chunk.subarray(0, room), cutSoon);
        else upstream.write(chunk);
      });
      request.on('end', () => {
        if (seen < limit) cutSoon();
      });
      return;
    }

    request.pipe(upstream);
    upstream.on('response', (answer) => {
      if (fault?.kind === 'lose-answer') {
        answer.resume();
        answer.on('end', () => request.socket.destroy());
        return;
      }
      if (fault?.kind === 'malformed') {
        answer.resume();
        answer.on('end', () => {
          const headers = forwardableHeaders(answer.headers);
          delete headers['content-length'];
          delete headers['transfer-encoding'];
          delete headers['content-encoding'];
          headers['content-type'] = fault.contentType ?? 'application/xml';
          response.writeHead(fault.status ?? answer.statusCode ?? 200, headers).end(fault.body);
        });
        return;
      }
      const send = (): void => {
        if (response.destroyed) {
          answer.resume();
          return;
        }
        response.writeHead(answer.statusCode ?? 502, forwardableHeaders(answer.headers));
        answer.pipe(response);
      };
      if (fault?.kind === 'stall') {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, fault.ms);
        timers.add(timer);
      } else {
        send();
      }
    });
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

  let closed: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    injectFault(fault, faultOptions) {
      const skip = faultOptions?.afterRequests ?? 0;
      if (!Number.isInteger(skip) || skip < 0)
        throw new RangeError(`afterRequests must be a whole number: ${skip}`);
      faults.push({ fault, skip, match: faultOptions?.match });
    },
    clearFaults() {
      return faults.splice(0).length;
    },
    stats() {
      return { ...counters, requestsByMethod: { ...counters.requestsByMethod } };
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      });
      return closed;
    },
  };
}
