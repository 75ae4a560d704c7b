/**
 * The server side of the push service's v4 Image API (docs/providers.md#oppo-push-pictures), as the
 * emulator speaks it. Kept apart from the client's copy in main/providers/oppo-push/ on purpose: the
 * client is tested against the card, not against itself.
 */

export const OPPO_IMAGE_PATH = '/v4/image/oppo';

/** Every error code of the card, with the HTTP status and English message it comes with. */
export const OPPO_ERRORS = {
  21001: { status: 404, message: 'The method is not supported or url err' },
  21003: { status: 400, message: 'Parameter value is invalid' },
  23001: { status: 401, message: 'Basic authentication failed' },
  23002: { status: 400, message: 'Missing parameter!' },
  23100: { status: 500, message: 'server error' },
  27000: { status: 500, message: 'Server response time out, please try again later' },
  // OPPO's own refusal, passed through with HTTP 200: "usually the picture is over the size limit".
  51: { status: 200, message: 'Picture Size Exceeds' },
} as const satisfies Record<number, { status: number; message: string }>;

export type OppoErrorCode = keyof typeof OPPO_ERRORS;

export function errorBody(code: OppoErrorCode, message: string = OPPO_ERRORS[code].message) {
  return { error: { code, message } };
}

export type PictureRole = 'big' | 'small';

/**
 * OPPO's constraints from the card: exact pixel size, a byte limit and PNG/JPG/JPEG only. The card
 * says "1M" and "50k" without a unit base **(guess)**: the emulator reads them as the stricter
 * decimal units, so a client that passes here passes either reading.
 */
export const PICTURE_RULES: Readonly<
  Record<PictureRole, { urlField: string; idField: string; width: number; height: number; maxBytes: number }>
> = {
  big: {
    urlField: 'big_picture_url',
    idField: 'big_picture_id',
    width: 984,
    height: 369,
    maxBytes: 1_000_000,
  },
  small: {
    urlField: 'small_picture_url',
    idField: 'small_picture_id',
    width: 144,
    height: 144,
    maxBytes: 50_000,
  },
};

export const PICTURE_FORMATS: readonly string[] = ['jpeg', 'png'];

export interface BasicCredentials {
  appKey: string;
  masterSecret: string;
}

/** `Authorization: Basic base64(appKey:masterSecret)`, parsed; undefined when absent or not Basic. */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { appKey: decoded.slice(0, colon), masterSecret: decoded.slice(colon + 1) };
}
