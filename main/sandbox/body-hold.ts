import type { IncomingMessage } from 'node:http';

/**
 * A request body held part-way until the test releases it: once `afterBytes` of the body have
 * arrived the server stops reading, so the client's writes back up through TCP and the upload stays
 * mid-body for as long as the test needs (to change the file being sent, say) without racing it.
 */
export class BodyHold {
  readonly afterBytes: number;
  /** Resolves once `afterBytes` of the body have arrived and the server has stopped reading. */
  readonly reached: Promise<void>;
  /** Resolves on release(): the held request then goes on. */
  readonly released: Promise<void>;
  #reach = (): void => {};
  #release = (): void => {};

  constructor(afterBytes: number) {
    if (!Number.isInteger(afterBytes) || afterBytes < 1)
      throw new RangeError(`afterBytes must be a whole number of at least 1: ${afterBytes}`);
    this.afterBytes = afterBytes;
    this.reached = new Promise((resolve) => (this.#reach = resolve));
    this.released = new Promise((resolve) => (this.#release = resolve));
  }

  /** Let the body through; what arrived meanwhile is handed on first, in order. */
  release(): void {
    this.#release();
  }

  /** For holdRequestBody: the body got this far. */
  markReached(): void {
    this.#reach();
  }
}

/**
 * Apply a hold to a request, whoever reads it (a tus server, busboy, a proxy's pipe). Node's HTTP
 * parser stops reading the socket when the request's push() answers false, so body chunks are kept
 * here, and false answered, until the release.
 */
export function holdRequestBody(request: IncomingMessage, hold: BodyHold): void {
  const push = request.push.bind(request);
  let seen = 0;
  let held: Array<[unknown, BufferEncoding | undefined]> | null = null;
  request.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (held !== null) {
      held.push([chunk, encoding]);
      return false;
    }
    if (chunk instanceof Uint8Array) seen += chunk.byteLength;
    const accepted = push(chunk, encoding);
    if (seen < hold.afterBytes) return accepted;
    held = [];
    hold.markReached();
    void hold.released.then(() => {
      const queued = held ?? [];
      held = null;
      request.push = push;
      for (const [queuedChunk, queuedEncoding] of queued) push(queuedChunk, queuedEncoding);
      // The parser paused the socket when push() said false; nothing else would resume it.
      if (!request.socket.destroyed) request.socket.resume();
    });
    return false;
  };
}
