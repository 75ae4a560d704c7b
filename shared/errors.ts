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
  /** The provider refused the account's credentials (expired token, wrong key) even after one refresh. */
  'credentials-rejected',
  /** Over the provider's documented size limit; checked before any byte is sent. */
  'file-too-large',
  /** The provider does not take this kind of file (e.g. an image-only endpoint given a PDF). */
  'file-type-unsupported',
  /** The image cannot be decoded: truncated, 0 bytes, wrong extension for its content, too many pixels. */
  'image-invalid',
  /** A derivative (e.g. OPPO's 984×369 ≤ 1 MB) cannot be made to fit its byte budget. */
  'image-budget-unmet',
  'file-not-found',
  /**
   * A path the caller may not name: one Ferry was not handed (a drop, a pick, a dialog, the OS, the
   * command line), or one in Ferry's own data folder sent through the local API.
   */
  'path-not-granted',
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
