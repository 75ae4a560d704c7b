/**
 * "N requests per second per app key" as a sliding one-second window: the (N+1)th request within
 * any 1,000 ms is refused. Refused requests do not count, so a client that waits gets through.
 */
export class SlidingWindowLimiter {
  #limit: number;
  readonly #accepted: number[] = [];
  readonly #now: () => number;

  constructor(requestsPerSecond: number, now: () => number = Date.now) {
    this.#limit = checkLimit(requestsPerSecond);
    this.#now = now;
  }

  setLimit(requestsPerSecond: number): void {
    this.#limit = checkLimit(requestsPerSecond);
  }

  /** True if the request may proceed (and counts it); false if it is over the limit. */
  tryAcquire(): boolean {
    const now = this.#now();
    while (this.#accepted.length > 0 && now - this.#accepted[0]! >= 1000) this.#accepted.shift();
    if (this.#accepted.length >= this.#limit) return false;
    this.#accepted.push(now);
    return true;
  }
}

function checkLimit(requestsPerSecond: number): number {
  if (!Number.isInteger(requestsPerSecond) || requestsPerSecond < 1) {
    throw new RangeError(`requests per second must be a whole number ≥ 1: ${requestsPerSecond}`);
  }
  return requestsPerSecond;
}
