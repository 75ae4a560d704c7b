import { UploadError } from '../net/upload-error.ts';

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

/**
 * The error a task ends with once a retryable failure is not tried again: the reason as it was, then
 * that Ferry stopped, after how many tries, and what the user can do. A retryable error alone would
 * read as if Ferry were still at it.
 */
export function finalError(error: UploadError, tries: number): UploadError {
  const reason = /[.!?。]$/.test(error.view.message) ? error.view.message : `${error.view.message}.`;
  return new UploadError(
    {
      ...error.view,
      message: `${reason} Ferry stopped after ${tries} ${tries === 1 ? 'try' : 'tries'}; check the network connection and the server, then retry.`,
    },
    { retryable: false, cause: error },
  );
}
