/**
 * When to try a failed step again. The engine, not the HTTP client, owns retries: a body stream that
 * was consumed cannot be replayed, so each attempt opens a fresh range.
 */
export interface RetryPolicy {
  /** Attempts per step without the acknowledged offset advancing (the counter resets when it does). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Exponential backoff with full jitter (delay uniformly in [0, min(cap, base·2^n)]), so a fleet of
 * clients hit by the same outage does not come back in lockstep. A server's Retry-After wins when it
 * asks for longer.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterSeconds === undefined ? jittered : Math.max(jittered, retryAfterSeconds * 1000);
}

/** Parse a Retry-After header: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
