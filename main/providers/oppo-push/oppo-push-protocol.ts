import { z } from 'zod';
import type { ErrorCode } from '../../../shared/errors.ts';
import { UploadError } from '../../net/upload-error.ts';

/** The push service's v4 Image API for OPPO pictures (docs/providers.md#oppo-push-pictures). */
export const imagePath = 'v4/image/oppo';

/** Singapore; the card's other regions are offered by shared/catalog/oppo-push.ts. */
export const defaultBaseUrl = 'https://pushapi-sgp.engagelab.com';

export type PictureRole = 'big' | 'small';

/**
 * OPPO's picture rules from the card. "1M" and "50k" have no stated unit base, so the budgets use
 * decimal units: a picture under them is under either reading.
 */
export const pictureSpecs: Readonly<
  Record<PictureRole, { width: number; height: number; maxBytes: number; urlField: string; idField: string }>
> = {
  big: {
    width: 984,
    height: 369,
    maxBytes: 1_000_000,
    urlField: 'big_picture_url',
    idField: 'big_picture_id',
  },
  small: {
    width: 144,
    height: 144,
    maxBytes: 50_000,
    urlField: 'small_picture_url',
    idField: 'small_picture_id',
  },
};

export const successSchema = z.object({
  big_picture_id: z.string().optional(),
  small_picture_id: z.string().optional(),
});

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number),
    message: z.string().optional().default(''),
  }),
});

/** What each error code of the card means for the user, and whether another attempt can help. */
const knownErrors: Readonly<Record<number, { code: ErrorCode; retryable: boolean; explanation: string }>> = {
  21001: {
    code: 'provider-rejected',
    retryable: false,
    explanation: 'the API has no such endpoint or method; check the API base URL (region)',
  },
  21003: {
    code: 'provider-rejected',
    retryable: false,
    explanation: 'a parameter was refused; the picture URL may not be public or reachable by the service',
  },
  23001: {
    code: 'credentials-rejected',
    retryable: false,
    explanation: 'Basic authentication failed; check the AppKey and Master Secret',
  },
  23002: { code: 'provider-rejected', retryable: false, explanation: 'a required parameter is missing' },
  23100: { code: 'provider-rejected', retryable: true, explanation: 'internal server error' },
  27000: { code: 'provider-rejected', retryable: true, explanation: 'upstream timeout, retry later' },
  51: {
    code: 'provider-rejected',
    retryable: false,
    explanation:
      'OPPO refused the picture as over its size limit (big 984×369 ≤ 1 MB, small 144×144 ≤ 50 KB, PNG/JPEG)',
  },
};

/**
 * An error body of the card, as an UploadError carrying the provider's code and message. Codes the
 * card does not list are still failures (51 arrives with HTTP 200); they retry only when the HTTP
 * status says a retry can help.
 */
export function pushApiFailure(
  providerCode: number,
  providerMessage: string,
  status: number,
  retryAfterSeconds: number | undefined,
): UploadError {
  const known = knownErrors[providerCode];
  const retryable = known?.retryable ?? (status === 408 || status === 429 || status >= 500);
  const explanation = known?.explanation ?? `HTTP ${status}`;
  return new UploadError(
    {
      code: known?.code ?? 'provider-rejected',
      message: `The push API answered error ${providerCode}: ${explanation}${providerMessage ? ` ("${providerMessage}")` : ''}.`,
      providerCode: String(providerCode),
      providerMessage: providerMessage || undefined,
    },
    { retryable, retryAfterSeconds },
  );
}

export function basicAuthorization(appKey: string, masterSecret: string): string {
  return `Basic ${Buffer.from(`${appKey}:${masterSecret}`, 'utf8').toString('base64')}`;
}
