/**
 * The server side of Easemob's REST file API as the emulator speaks it (docs/providers.md#easemob: Easemob's
 * "upload file" page and REST error reference). Kept apart from the client's copy in main/providers/easemob/
 * so the client is tested against the protocol, not against itself. Lines marked (guess) are not documented
 * by Easemob and are kept lenient.
 */

/** "上传文件的大小默认不能超过 10 MB" — read as MiB, like the client (see its chatfiles-protocol.ts). */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** "100 次/秒/App Key". */
export const DEFAULT_REQUESTS_PER_SECOND = 100;
/** Images up to 10 KB are their own thumbnail. */
export const THUMBNAIL_THRESHOLD_BYTES = 10 * 1024;
export const DEFAULT_THUMBNAIL_EDGE = 170;
/** Easemob's docs show 5,184,000 s (60 days) as a typical app token lifetime. */
export const DEFAULT_TOKEN_TTL_SECONDS = 5_184_000;

export interface EasemobErrorBody {
  error: string;
  exception: string;
  timestamp: number;
  duration: number;
  error_description: string;
}

export function errorBody(error: string, description: string, exception: string): EasemobErrorBody {
  return { error, exception, timestamp: Date.now(), duration: 0, error_description: description };
}

/** The documented failures, each with its status, `error` and `error_description`. */
export const easemobErrors = {
  /** Token endpoint: a wrong secret for the app key. */
  secretMismatch: () =>
    [400, errorBody('invalid_grant', 'client_secret does not match', 'EasemobSecurityException')] as const,
  clientIdMismatch: () =>
    [400, errorBody('invalid_grant', 'client_id does not match', 'EasemobSecurityException')] as const,
  missingClientId: () =>
    [400, errorBody('illegal_argument', 'client_id must be provided.', 'IllegalArgumentException')] as const,
  missingClientSecret: () =>
    [
      400,
      errorBody('illegal_argument', 'client_secret must be provided', 'IllegalArgumentException'),
    ] as const,
  /** (guess) the text for a grant type other than client_credentials. */
  unsupportedGrant: () =>
    [400, errorBody('invalid_grant', 'unsupported grant type', 'EasemobSecurityException')] as const,
  badJson: () =>
    [400, errorBody('json_parse', 'Unexpected character in the request body', 'JsonParseException')] as const,
  appNotFound: (org: string, app: string, path: string) =>
    [
      404,
      errorBody(
        'organization_application_not_found',
        `Could not find application for ${org}/${app} from URI: ${path}`,
        'OrganizationApplicationNotFoundException',
      ),
    ] as const,
  /** A token this server never issued, or one it revoked. */
  corruptToken: () =>
    [
      401,
      errorBody(
        'auth_bad_access_token',
        'Unable to authenticate due to corrupt access token',
        'org.apache.usergrid.rest.exceptions.SecurityException',
      ),
    ] as const,
  expiredToken: () =>
    [
      401,
      errorBody(
        'unauthorized',
        'Unable to authenticate due to expired access token',
        'org.apache.usergrid.rest.exceptions.SecurityException',
      ),
    ] as const,
  /** (guess) a restricted file asked for without its share-secret. */
  shareSecretRequired: () =>
    [
      401,
      errorBody(
        'unauthorized',
        'share-secret is required to access a restricted file',
        'org.apache.usergrid.rest.exceptions.SecurityException',
      ),
    ] as const,
  noFile: () =>
    [400, errorBody('illegal_argument', 'file must be provided.', 'IllegalArgumentException')] as const,
  tooLarge: () =>
    [
      413,
      errorBody(
        'file exceeding maximum limit',
        'the file size exceeds the maximum limit.',
        'FileSizeLimitExceededException',
      ),
    ] as const,
  reachLimit: () =>
    [429, errorBody('reach_limit', 'This request has reached api limit', 'ReachLimitException')] as const,
  /** (guess) the text of an unknown chat file. */
  fileNotFound: () =>
    [
      404,
      errorBody(
        'service_resource_not_found',
        'Service resource not found',
        'ServiceResourceNotFoundException',
      ),
    ] as const,
  internal: () =>
    [500, errorBody('internal_server_error', 'Internal Server Error', 'RuntimeException')] as const,
  unavailable: () =>
    [503, errorBody('service_unavailable', 'Service Unavailable', 'ServiceUnavailableException')] as const,
} satisfies Record<string, (...args: string[]) => readonly [number, EasemobErrorBody]>;

/** `true`/`false` as Easemob's Bool headers and form fields carry them. */
export function isTrue(value: string | string[] | undefined): boolean {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim().toLowerCase() === 'true';
}

/** A positive pixel count from a header or form field, or undefined. */
export function pixels(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  const number = Number(text);
  return number > 0 && number <= 10_000 ? number : undefined;
}
