import { UploadError } from './upload-error.ts';
import { parseRetryAfter } from './retry-after.ts';

/** HTTP statuses worth another attempt: timeouts, throttling and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A non-success HTTP answer, as the user should see it. */
export function httpStatusFailure(status: number, body: string, retryAfter?: string): UploadError {
  const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new UploadError(
    {
      code: 'http-status',
      message: `The server answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`,
    },
    { retryable: isRetryableStatus(status), retryAfterSeconds: parseRetryAfter(retryAfter) },
  );
}

/** A request that failed without an HTTP answer: cancelled by us, or a network problem worth retrying. */
export function requestFailure(error: unknown, signal: AbortSignal): UploadError {
  if (error instanceof UploadError) return error;
  // The body failed for a reason of its own (the file changed while it was sent): got wraps it.
  if (error instanceof Error && error.cause instanceof UploadError) return error.cause;
  if (signal.aborted)
    return new UploadError(
      { code: 'cancelled', message: 'The upload was stopped.' },
      { retryable: false, cause: error },
    );
  // got's RequestError and Node's system errors both carry `code` (ECONNRESET, ETIMEDOUT, …).
  const code = (error as { code?: string } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  return new UploadError(
    { code: 'network', message: `Network problem${code ? ` (${code})` : ''}: ${detail}` },
    { retryable: true, cause: error },
  );
}
