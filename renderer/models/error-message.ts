import { errorViewSchema } from '../../shared/models.ts';
import type { ErrorView } from '../../shared/errors.ts';

/** A command failure as the contract describes it, whichever transport carried it. */
export class CommandFailure extends Error {
  readonly view: ErrorView;
  constructor(view: ErrorView) {
    super(view.message);
    this.name = 'CommandFailure';
    this.view = view;
  }
}

/**
 * Whatever a call rejected with, as an ErrorView: transports differ in how they carry failures (an
 * ErrorView object, a CommandFailure, a plain Error from IPC), and the UI should not care.
 */
export function toErrorView(error: unknown): ErrorView {
  if (error instanceof CommandFailure) return error.view;
  const parsed = errorViewSchema.safeParse(error);
  if (parsed.success) return parsed.data;
  if (error instanceof Error) return { code: 'internal', message: error.message };
  return { code: 'internal', message: String(error) };
}

/** One line for the user: Ferry's reason, then the provider's own words when it gave any. */
export function describeError(view: ErrorView): string {
  return view.providerMessage ? `${view.message} — ${view.providerMessage}` : view.message;
}
