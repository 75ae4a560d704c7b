/**
 * Error codes that cross the contract. Each one is a reason a user can act on; the message carries the
 * specifics (and, for provider errors, the provider's own words in `providerMessage`).
 */
export const errorCodes = [
  'invalid-request',
  'unknown-command',
  'account-not-found',
  'account-invalid',
  'credentials-unreadable',
  'file-not-found',
  'folder-unsupported',
  'file-unreadable',
  'file-changed',
  'provider-rejected',
  'http-status',
  'network',
  'malformed-response',
  'cancelled',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface ErrorView {
  code: ErrorCode;
  message: string;
  /** The provider's own error text, untranslated, when the provider gave one. */
  providerMessage?: string | undefined;
  /** The provider's own error code, when it gave one. */
  providerCode?: string | undefined;
}
