import type { ErrorView } from '../../shared/errors.ts';
import { UploadError } from '../net/upload-error.ts';
import type { SecretRedactor } from './redactor.ts';

/** An error view with secrets removed from every text in it: what may cross the contract or be journaled. */
export function scrubErrorView(view: ErrorView, redactor: SecretRedactor): ErrorView {
  const scrubbed: ErrorView = { code: view.code, message: redactor.redactText(view.message) };
  if (view.providerMessage !== undefined)
    scrubbed.providerMessage = redactor.redactText(view.providerMessage);
  if (view.providerCode !== undefined) scrubbed.providerCode = redactor.redactText(view.providerCode);
  return scrubbed;
}

/**
 * The same error with secrets removed from what the engine journals and shows. A provider's error
 * text can echo the request it failed (a gateway page quoting the URL with `usersig=`); the original
 * stays only as the `cause`, which reaches nothing but the (redacted) log.
 */
export function scrubError(error: unknown, redactor: SecretRedactor): unknown {
  if (error instanceof UploadError) {
    return new UploadError(scrubErrorView(error.view, redactor), {
      retryable: error.retryable,
      retryAfterSeconds: error.retryAfterSeconds,
      cause: error,
    });
  }
  if (error instanceof Error) error.message = redactor.redactText(error.message);
  return error;
}
