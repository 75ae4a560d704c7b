import { randomUUID } from 'node:crypto';
import type { Notice } from '../../shared/contract.ts';
import type { Settings } from '../../shared/settings.ts';
import type { FerryLogger } from '../log/logger.ts';
import type { LocalApiServer } from './local-api-server.ts';
import type { ServiceClient } from './upload-batch.ts';

export type LocalApiStatus =
  | { state: 'off' }
  | { state: 'listening'; port: number }
  | { state: 'failed'; port: number; message: string };

export interface LocalApiControllerOptions {
  service: ServiceClient;
  settings(): Settings;
  logger: FerryLogger;
  /** Tell the user (the `notice` event) that the API could not start. */
  notify(notice: Notice): void;
  uploadTimeoutMs?: number;
}

/**
 * Keeps the local API in step with the settings: started when enabled, stopped when disabled,
 * restarted on a new port. A port that is taken does not break anything else: it is logged, and a
 * notice (also in notices.list, for a window that opens later) tells the user what to change.
 */
export class LocalApiController {
  readonly #options: LocalApiControllerOptions;
  #server: LocalApiServer | null = null;
  #status: LocalApiStatus = { state: 'off' };
  #notice: Notice | null = null;
  /** Changes run one after another: a quick off-on-off must not leave two servers or none. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: LocalApiControllerOptions) {
    this.#options = options;
  }

  /** Bring the server to what these settings ask for; resolves once it is there (or has failed). */
  apply(config: Pick<Settings['localApi'], 'enabled' | 'port'>): Promise<void> {
    const { enabled, port } = config;
    this.#queue = this.#queue.then(() => this.#apply(enabled, port));
    return this.#queue;
  }

  status(): LocalApiStatus {
    return { ...this.#status };
  }

  /** The current "could not start" notice, if the API is failing now. */
  notices(): Notice[] {
    return this.#notice ? [this.#notice] : [];
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#queue = this.#queue.then(() => this.#stop());
    await this.#queue;
  }

  async #apply(enabled: boolean, port: number): Promise<void> {
    if (this.#closed) return;
    const current = this.#status;
    if (!enabled) {
      if (current.state !== 'off') await this.#stop();
      return;
    }
    // A failed start is tried again: the user saved the API's settings once more.
    if (current.state === 'listening' && current.port === port) return;
    await this.#stop();
    const { logger } = this.#options;
    try {
      // The server (and node:http) is loaded when the API is first turned on: most runs never do.
      const { startLocalApiServer } = await import('./local-api-server.ts');
      this.#server = await startLocalApiServer({
        service: this.#options.service,
        secret: () => this.#options.settings().localApi.secret,
        defaultAccountId: () => this.#options.settings().defaultAccountId,
        logger,
        port,
        ...(this.#options.uploadTimeoutMs === undefined
          ? {}
          : { uploadTimeoutMs: this.#options.uploadTimeoutMs }),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'EADDRINUSE'
          ? 'another program (PicGo itself?) is using that port'
          : code === 'EACCES'
            ? 'the system does not allow Ferry to use that port'
            : error instanceof Error
              ? error.message
              : String(error);
      const message = `Ferry's local upload API could not start on 127.0.0.1:${port}: ${reason}. Choose another port in Settings (and the same one in your editor), or quit the other program and turn the API off and on again.`;
      this.#status = { state: 'failed', port, message };
      this.#notice = { id: randomUUID(), kind: 'local-api-unavailable', message, createdAt: Date.now() };
      logger.warn('local api could not start', { port, code: code ?? null, reason });
      this.#options.notify(this.#notice);
      return;
    }
    this.#status = { state: 'listening', port: this.#server.port };
    this.#notice = null;
    logger.info('local api listening', { host: '127.0.0.1', port: this.#server.port });
  }

  async #stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    const wasListening = this.#status.state === 'listening';
    this.#status = { state: 'off' };
    this.#notice = null;
    if (server) await server.close();
    if (wasListening) this.#options.logger.info('local api stopped', {});
  }
}
