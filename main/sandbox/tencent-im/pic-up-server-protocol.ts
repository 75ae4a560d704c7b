/**
 * The request side of Tencent IM's `pic_up` as docs/providers.md#tencent-cloud-im describes it: error codes,
 * field names, and the validation of one slice request. Pure functions, no I/O, so the emulator's rules can
 * be read (and corrected) in one place.
 */

/**
 * Every `ErrorCode` the emulator answers with. The seed documents only -3 (missing parameter) and
 * -6 / -8 (both "invalid parameter"); how the real server splits -6 from -8 is not documented, so the
 * emulator uses -6 for a malformed value and -8 for a value inconsistent with the upload. The other
 * codes are guesses or emulator-only: correct them here.
 */
export const PIC_UP_ERROR_CODES = {
  ok: 0,
  missingParameter: -3,
  malformedParameter: -6,
  inconsistentParameter: -8,
  /** (guess) Tencent IM's REST APIs answer 70003 for an invalid UserSig; not in the seed. */
  invalidUserSig: 70003,
  /** Emulator-only defaults for injected faults that do not name a code. */
  injectedReject: 90001,
  injectedRetryableFailure: 90002,
} as const;

export type PicUpErrorCode = (typeof PIC_UP_ERROR_CODES)[keyof typeof PIC_UP_ERROR_CODES];

/** Every slice offset except the last must be a multiple of this; `Next_Offset` always is. */
export const SLICE_ALIGNMENT = 4096;

export const FILE_TYPES = { image: 1, file: 2, video: 3, voice: 4 } as const;
export type FileType = (typeof FILE_TYPES)[keyof typeof FILE_TYPES];

/** `PIC_TYPE` values in `URL_INFO`. */
export const PIC_TYPES = { original: 1, small: 2, large: 4 } as const;

/** One slice request, validated and normalised (numeric strings are numbers, the MD5 is lower case). */
export interface PicUpSliceRequest {
  fromAccount: string;
  toAccount: string;
  seq: number;
  timestamp: number;
  random: number;
  fileMd5: string;
  fileSize: number;
  fileType: FileType;
  busiId: number;
  sliceOffset: number;
  sliceSize: number;
  sliceData: Buffer;
}

/** What every answer repeats back, taken from the body as it was sent ('' when absent). */
export interface PicUpEcho {
  From_Account: string | number;
  To_Account: string | number;
  Seq: string | number;
  Timestamp: string | number;
  Random: string | number;
  App_Version: string | number;
}

export interface PicUpRejection {
  errorCode: PicUpErrorCode;
  errorInfo: string;
}

export type ParsedPicUpBody =
  | { ok: true; request: PicUpSliceRequest; echo: PicUpEcho }
  | ({ ok: false; echo: PicUpEcho } & PicUpRejection);

/**
 * Parse a request body. It is JSON whatever the Content-Type says: old web SDKs post the JSON text as
 * `application/x-www-form-urlencoded`.
 */
export function parsePicUpBody(bodyText: string): ParsedPicUpBody {
  let body: unknown;
  try {
    body = JSON.parse(bodyText.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, echo: echoOf(undefined), ...malformed('body is not JSON') };
  }
  const echo = echoOf(body);
  if (!isRecord(body)) return { ok: false, echo, ...malformed('body is not a JSON object') };
  try {
    return { ok: true, echo, request: readRequest(body) };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, echo, ...error.rejection };
    throw error;
  }
}

/**
 * The checks that need only the request itself (not the upload it belongs to), all -8. Returns
 * undefined when the slice is consistent.
 */
export function checkSliceShape(request: PicUpSliceRequest): PicUpRejection | undefined {
  const { sliceOffset, sliceSize, fileSize } = request;
  if (request.sliceData.length !== sliceSize) {
    return inconsistent(
      `Slice_Size ${sliceSize} does not match the ${request.sliceData.length} bytes decoded from Slice_Data`,
    );
  }
  if (sliceOffset + sliceSize > fileSize) {
    return inconsistent(
      `Slice_Offset + Slice_Size (${sliceOffset + sliceSize}) exceeds File_Size ${fileSize}`,
    );
  }
  const isLast = sliceOffset + sliceSize === fileSize;
  if (sliceOffset % SLICE_ALIGNMENT !== 0 && !isLast) {
    return inconsistent(
      `Slice_Offset ${sliceOffset} is not a multiple of ${SLICE_ALIGNMENT} and this is not the last slice`,
    );
  }
  return undefined;
}

export function inconsistent(errorInfo: string): PicUpRejection {
  return { errorCode: PIC_UP_ERROR_CODES.inconsistentParameter, errorInfo };
}

export function echoOf(body: unknown): PicUpEcho {
  const pick = (field: string): string | number => {
    const value = isRecord(body) ? body[field] : undefined;
    return typeof value === 'string' || typeof value === 'number' ? value : '';
  };
  return {
    From_Account: pick('From_Account'),
    To_Account: pick('To_Account'),
    Seq: pick('Seq'),
    Timestamp: pick('Timestamp'),
    Random: pick('Random'),
    App_Version: pick('App_Version'),
  };
}

function readRequest(body: Record<string, unknown>): PicUpSliceRequest {
  // Fields are read in the order of the card, so the first missing one is the one named.
  const fromAccount = readAccount(body, 'From_Account', { allowEmpty: false });
  const toAccount = readAccount(body, 'To_Account', { allowEmpty: true });
  const seq = readUint(body, 'Seq');
  const timestamp = readUint(body, 'Timestamp');
  const random = readUint(body, 'Random');
  const fileMd5 = readMd5(body, 'File_Str_Md5');
  const fileSize = readUint(body, 'File_Size');
  const fileType = readOneOf(
    body,
    'File_Type',
    [1, 2, 3, 4] as const,
    '1 (image), 2 (file), 3 (video) or 4 (voice)',
  );
  const busiId = readOneOf(body, 'Busi_Id', [1, 2, 3, 4] as const, '1, 2, 3 or 4');
  readPkgFlag(body);
  const sliceOffset = readUint(body, 'Slice_Offset');
  const sliceSize = readUint(body, 'Slice_Size');
  const sliceData = readBase64(body, 'Slice_Data');
  return {
    fromAccount,
    toAccount,
    seq,
    timestamp,
    random,
    fileMd5,
    fileSize,
    fileType,
    busiId,
    sliceOffset,
    sliceSize,
    sliceData,
  };
}

class FieldError extends Error {
  readonly rejection: PicUpRejection;
  constructor(rejection: PicUpRejection) {
    super(rejection.errorInfo);
    this.rejection = rejection;
  }
}

function malformed(errorInfo: string): PicUpRejection {
  return { errorCode: PIC_UP_ERROR_CODES.malformedParameter, errorInfo };
}

function required(body: Record<string, unknown>, field: string): unknown {
  const value = body[field];
  if (value === undefined || value === null) {
    throw new FieldError({ errorCode: PIC_UP_ERROR_CODES.missingParameter, errorInfo: `missing ${field}` });
  }
  return value;
}

function invalid(field: string, why: string): FieldError {
  return new FieldError(malformed(`invalid ${field}: ${why}`));
}

/** Numbers arrive as JSON numbers or as numeric strings, depending on the SDK. */
function readUint(body: Record<string, unknown>, field: string): number {
  const value = required(body, field);
  let parsed: number | undefined;
  if (typeof value === 'number') parsed = value;
  else if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) parsed = Number(value.trim());
  if (parsed === undefined || !Number.isSafeInteger(parsed)) throw invalid(field, 'not an integer');
  if (parsed < 0) throw invalid(field, 'negative');
  return parsed;
}

function readOneOf<T extends number>(
  body: Record<string, unknown>,
  field: string,
  allowed: readonly T[],
  described: string,
): T {
  const value = readUint(body, field);
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw invalid(field, `must be ${described}`);
  return match;
}

function readAccount(body: Record<string, unknown>, field: string, rules: { allowEmpty: boolean }): string {
  const value = required(body, field);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw invalid(field, 'not a string');
  if (!rules.allowEmpty && value === '') throw invalid(field, 'empty');
  return value;
}

function readMd5(body: Record<string, unknown>, field: string): string {
  const value = required(body, field);
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{32}$/.test(value)) {
    throw invalid(field, 'not 32 hexadecimal digits');
  }
  return value.toLowerCase();
}

function readPkgFlag(body: Record<string, unknown>): void {
  const flag = readUint(body, 'PkgFlag');
  if (flag === 1) return;
  if (flag === 0)
    throw invalid('PkgFlag', '0 (raw Slice_Data) is not supported here; send base64 with PkgFlag 1');
  throw invalid('PkgFlag', 'must be 0 (raw) or 1 (base64)');
}

function readBase64(body: Record<string, unknown>, field: string): Buffer {
  const value = required(body, field);
  if (typeof value !== 'string') throw invalid(field, 'not a string');
  // Buffer's decoder skips anything it does not understand; a round trip is the strict check.
  const decoded = Buffer.from(value, 'base64');
  if (decoded.toString('base64') !== value) throw invalid(field, 'not canonical base64');
  return decoded;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
