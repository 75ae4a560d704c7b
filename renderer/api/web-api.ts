import type { CommandName } from '../../shared/channels.ts';
import type { CommandRequest, CommandResponse, FerryApi, FerryEvent } from '../../shared/contract.ts';
import {
  thumbnailPath,
  tokenFragmentKey,
  webServerMessageSchema,
  webSocketPath,
  type WebClientMessage,
} from '../../shared/web-protocol.ts';
import { CommandFailure } from '../models/error-message.ts';
import { parseEvent, parseResponse } from './contract-parsing.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Transports that can drop (the web shell's socket) say so, so the UI can show it and resync after. */
export interface ConnectionStatus {
  readonly connectionState: ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

export interface WebApiOptions {
  token: string;
  /** Defaults to the page's own host: the web shell serves the page and the socket from one origin. */
  url?: string;
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Injected by tests; the browser's WebSocket otherwise. */
  WebSocketImpl?: typeof WebSocket;
}

interface Call {
  name: CommandName;
  message: string;
  sent: boolean;
  resolve: (response: unknown) => void;
  reject: (error: CommandFailure) => void;
}

export function webSocketUrl(token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${webSocketPath}?token=${encodeURIComponent(token)}`;
}

/**
 * The contract over the web shell's WebSocket. Calls made while the socket is down wait for it; calls
 * already sent when it drops are rejected, because whether the server ran them is unknown and the
 * caller, not the transport, decides whether repeating one is safe.
 */
export class WebApi implements FerryApi, ConnectionStatus {
  readonly #url: string;
  readonly #token: string;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #WebSocket: typeof WebSocket;
  readonly #calls = new Map<number, Call>();
  readonly #listeners = new Set<(event: FerryEvent) => void>();
  readonly #stateListeners = new Set<(state: ConnectionState) => void>();
  #socket: WebSocket | null = null;
  #state: ConnectionState = 'connecting';
  #nextId = 1;
  #failedAttempts = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(options: WebApiOptions) {
    this.#token = options.token;
    this.#url = options.url ?? webSocketUrl(options.token);
    this.#minDelay = options.minReconnectDelayMs ?? 250;
    this.#maxDelay = options.maxReconnectDelayMs ?? 10_000;
    this.#WebSocket = options.WebSocketImpl ?? WebSocket;
    this.#connect();
  }

  get connectionState(): ConnectionState {
    return this.#state;
  }

  thumbnailUrl(key: string): string {
    return `${location.origin}${thumbnailPath(key)}?${tokenFragmentKey}=${encodeURIComponent(this.#token)}`;
  }

  invoke<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<CommandResponse<N>> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const message: WebClientMessage = { type: 'command', id, name, request };
      const call: Call = {
        name,
        message: JSON.stringify(message),
        sent: false,
        resolve: resolve as (response: unknown) => void,
        reject,
      };
      this.#calls.set(id, call);
      if (this.#state === 'open') this.#send(call);
    });
  }

  subscribe(listener: (event: FerryEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Stops reconnecting and fails every outstanding call; for tests and page teardown. */
  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#reconnectTimer);
    this.#socket?.close();
    this.#rejectCalls(() => true, 'The connection to Ferry was closed.');
  }

  #connect(): void {
    this.#setState('connecting');
    const socket = new this.#WebSocket(this.#url);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (socket !== this.#socket) return;
      this.#failedAttempts = 0;
      this.#setState('open');
      for (const call of this.#calls.values()) if (!call.sent) this.#send(call);
    });
    socket.addEventListener('message', (event) => {
      if (socket === this.#socket && typeof event.data === 'string') this.#receive(event.data);
    });
    // 'error' is always followed by 'close', which is where the reconnect happens.
    socket.addEventListener('close', () => {
      if (socket !== this.#socket) return;
      this.#socket = null;
      this.#rejectCalls((call) => call.sent, 'Lost the connection to Ferry before it answered.');
      if (this.#disposed) return;
      this.#setState('closed');
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    // Full jitter: many tabs of a restarted shell should not all knock at the same instant.
    const ceiling = Math.min(this.#maxDelay, this.#minDelay * 2 ** this.#failedAttempts);
    const delay = this.#minDelay + Math.random() * (ceiling - this.#minDelay);
    this.#failedAttempts += 1;
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #send(call: Call): void {
    this.#socket?.send(call.message);
    call.sent = true;
  }

  #receive(text: string): void {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      console.warn('Ferry web shell sent a message that is not JSON; ignored.');
      return;
    }
    const parsed = webServerMessageSchema.safeParse(data);
    if (!parsed.success) {
      console.warn('Ferry web shell sent a message outside the protocol; ignored.', parsed.error.issues);
      return;
    }
    const message = parsed.data;
    if (message.type === 'event') {
      this.#dispatchEvent(message.name, message.payload);
      return;
    }
    const call = this.#calls.get(message.id);
    if (call === undefined) return;
    this.#calls.delete(message.id);
    if (!message.ok) {
      call.reject(new CommandFailure(message.error));
      return;
    }
    try {
      call.resolve(parseResponse(call.name, message.response));
    } catch (error) {
      call.reject(error as CommandFailure);
    }
  }

  #dispatchEvent(name: string, payload: unknown): void {
    const event = parseEvent(name, payload);
    if (event === null) return;
    for (const listener of this.#listeners) {
      // One failing listener must not starve the others of progress updates.
      try {
        listener(event);
      } catch (error) {
        console.error(error);
      }
    }
  }

  #rejectCalls(which: (call: Call) => boolean, message: string): void {
    for (const [id, call] of this.#calls) {
      if (!which(call)) continue;
      this.#calls.delete(id);
      call.reject(new CommandFailure({ code: 'network', message }));
    }
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of this.#stateListeners) listener(state);
  }
}
