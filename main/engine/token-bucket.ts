import { setTimeout as delay } from 'node:timers/promises';

/**
 * A token bucket: up to `burst` requests at once, refilled at `ratePerSecond`. One per account, so a
 * provider's documented limit (Easemob: 100 requests/s per app key) is kept however many files run.
 */
export class TokenBucket {
  readonly #ratePerSecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;
  /** Waiters are served in order, so a busy account cannot starve one file forever. */
  #tail: Promise<void> = Promise.resolve();

  constructor(
    ratePerSecond: number,
    burst = Math.max(1, Math.ceil(ratePerSecond)),
    now: () => number = Date.now,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.#ratePerSecond = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  take(signal?: AbortSignal): Promise<void> {
    const turn = this.#tail.then(() => this.#takeNow(signal));
    // A cancelled waiter must not block the ones behind it.
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  async #takeNow(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.#now();
      this.#tokens = Math.min(
        this.#burst,
        this.#tokens + ((now - this.#updatedAt) / 1000) * this.#ratePerSecond,
      );
      this.#updatedAt = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      const waitMs = Math.ceil(((1 - this.#tokens) / this.#ratePerSecond) * 1000);
      await delay(waitMs, undefined, signal ? { signal } : {});
    }
  }
}
