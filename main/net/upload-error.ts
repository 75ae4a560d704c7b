import type { ErrorCode, ErrorView } from '../../shared/errors.ts';

/**
 * An error the engine knows how to handle: it carries what the user is shown and whether another
 * attempt may succeed. Anything else thrown during an upload is treated as a bug (`internal`).
 */
export class UploadError extends Error {
  readonly view: ErrorView;
  readonly retryable: boolean;
  /** Seconds the server asked us to wait (Retry-After), if it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    view: ErrorView,
    options: { retryable: boolean; retryAfterSeconds?: number | undefined; cause?: unknown } = {
      retryable: false,
    },
  ) {
    super(view.message, { cause: options.cause });
    this.name = 'UploadError';
    this.view = view;
    this.retryable = options.retryable;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  static of(code: ErrorCode, message: string, retryable = false): UploadError {
    return new UploadError({ code, message }, { retryable });
  }
}
