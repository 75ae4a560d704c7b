import type { Got } from 'got';
import type { Readable } from 'node:stream';
import type { HistoryDetails, LinkView } from '../../shared/models.ts';

/** How a range is read for sending. */
export interface RangeOptions {
  /**
   * This request completes the upload on the server (a single PUT or form post, the tus PATCH that
   * reaches the end, Tencent's last slice). The stream holds its last bytes back until the engine has
   * checked that every byte sent is still the file's, and fails with `file-changed` if not: the server
   * never gets the end of an upload whose bytes come from two versions of the file.
   */
  completesUpload?: boolean;
  /**
   * readChunks only: two buffers of at least the chunk size to read into, lent by a caller that is done
   * with every chunk of one range before it reads the next (Tencent sends a slice and waits for the
   * answer), so that a 2 GiB upload does not allocate a pair per range for the GC to catch up with.
   */
  readBuffers?: readonly [Buffer, Buffer];
}

/**
 * A file on disk as the engine hands it to a provider: identity, size and ways to read ranges. The
 * history's SHA-256 is taken from the bytes as they are sent, so every byte a provider sends must come
 * from `openRange` or `readChunks`, and those are only for bytes that go on the wire.
 */
export interface LocalFile {
  path: string;
  name: string;
  /**
   * The name the file gets on the server, made by the engine from the account's rename pattern
   * (folders included where the provider has them); absent: the provider names it as it always did.
   */
  remoteName?: string | undefined;
  size: number;
  mtimeMs: number;
  mimeType: string;
  /**
   * MD5 and SHA-256 of the whole file, read before the first step, for providers whose capabilities
   * say `needsMd5First`; what is sent must then hash to the same. Null for the others: waiting for a
   * full read before the first byte would halve the speed of a raw-body upload.
   */
  readonly upfrontDigests: { md5: string | null; sha256: string } | null;
  /**
   * A fresh stream over bytes [start, endExclusive) to send: one per attempt, never the whole file in
   * memory. A file that got shorter fails the stream with `file-changed`.
   */
  openRange(start: number, endExclusive: number, options?: RangeOptions): Readable;
  /**
   * The same range in chunks read into one reused buffer: a chunk is valid only until the next one is
   * requested. For bodies that re-encode the bytes as they go (base64) without allocating per chunk.
   */
  readChunks(
    start: number,
    endExclusive: number,
    chunkSize: number,
    options?: RangeOptions,
  ): AsyncIterable<Buffer>;
  /**
   * A digest of bytes read but not sent, such as S3's Content-MD5 of a part, which must be in a header
   * before the part goes out. Kept apart from the SHA-256 of what was sent.
   */
  digestRange(start: number, endExclusive: number, algorithm: 'md5'): Promise<Buffer>;
  /**
   * For a final step that carries no file bytes (S3's CompleteMultipartUpload): resolves once every
   * byte sent is known to still be the file's, and throws `file-changed` otherwise. Call it right
   * before that step, on every attempt.
   */
  verifySent(): Promise<void>;
}

/** Choices made once for every account (the app's settings), which an account's own fields override. */
export interface ProviderPreferences {
  /** Bytes per part or chunk, for protocols that let the client choose; absent: the provider's default. */
  partSize?: number;
}

export interface ProviderCapabilities {
  /** The server keeps partial uploads and can be asked where to continue. */
  resumable: boolean;
  /** Largest file the provider accepts, if it has a documented limit. */
  maxFileSize?: number;
  /** Documented request rate limit per account (e.g. Easemob: 100/s per app key); the engine keeps under it. */
  requestsPerSecond?: number;
  /**
   * The protocol needs the whole file's MD5 before the first byte (Tencent puts File_Str_Md5 in every
   * slice). Everyone else gets only the SHA-256, taken from the bytes as they are sent: raw-body
   * protocols then run at the speed of the wire instead of waiting for a hashing pass, and skip MD5's
   * CPU cost.
   */
  needsMd5First?: boolean;
  /**
   * Who can fetch the file behind one of its links: anyone with the URL (`public`: a CDN link, a
   * presigned URL, a link that carries its own secret), only a client that sends the account's
   * credentials as headers (`with-headers`), or nobody, because the provider keeps no file of its own
   * (`none`). A service that takes URLs instead of bytes (OPPO push) needs `public`.
   */
  linkAccess: 'public' | 'with-headers' | 'none';
  /**
   * Sending the upload again after its answer was lost stores a second copy, and nothing on the server
   * can be asked whether the first arrived (Easemob's chat-file POST: the uuid is only in the answer).
   * Once the whole file has gone out, the engine's stall watchdog then waits `answerWaitFactor` times
   * as long for the answer: a slow answer is waited for instead of being taken for a lost one.
   */
  repeatStoresAgain?: boolean;
}

export interface StepContext<TConfig> {
  config: TConfig;
  /** Secrets of the account, decrypted in the main process only for the duration of a step. */
  secrets: Readonly<Record<string, string>>;
  http: Got;
  signal: AbortSignal;
  /** Report bytes of the current attempt as they go out; the engine adds them to committed bytes. */
  onBytesSent(inFlightBytes: number): void;
  /**
   * Upload a small local file (a derivative the step made) through another account, e.g. one whose
   * links are public, for protocols that take a URL instead of bytes (OPPO push pictures). The engine
   * runs that account's provider to the end with its retries, stall watchdog and rate limit, under
   * `signal`; it journals nothing and adds no history entry for it: the caller keeps what it needs
   * (the link) in its own session. Present only in `step`, and not inside such an upload itself.
   */
  uploadVia?(accountId: string, path: string, signal: AbortSignal): Promise<RemoteResult>;
}

/** What a finished upload is in the provider's terms. */
export interface RemoteResult {
  remoteId: string;
  links: LinkView[];
  /**
   * Provider-specific facts kept in the history entry: a share secret, picture ids, what a message
   * body needs. Keys named in `secretDetailKeys` of shared/models.ts leave only on explicit request.
   */
  details?: HistoryDetails;
}

export type StepResult<TSession> =
  | { kind: 'progress'; session: TSession; committedBytes: number }
  | { kind: 'done'; session: TSession; result: RemoteResult };

/**
 * One adapter per provider. The engine owns the loop, the journal and the retries: it calls
 * `startSession` once per file (the result is journaled before any network I/O), then `step` until
 * it returns `done`, journaling the session after each acknowledged step. A step must be safe to
 * repeat with the same session: that is how retries and crash-resume work.
 */
export interface Provider<TConfig, TSession> {
  readonly id: string;
  readonly capabilities: ProviderCapabilities;
  /**
   * Parse and check an account's non-secret fields; throws a ProviderError with the reason.
   * `preferences` fill in what the account leaves to the app's settings.
   */
  parseConfig(fields: Readonly<Record<string, string>>, preferences?: ProviderPreferences): TConfig;
  /** Create the server-side identity of an upload. May or may not touch the network. */
  startSession(ctx: StepContext<TConfig>, file: LocalFile): Promise<TSession>;
  /** Perform one network step (one slice, one part) and say where the upload now stands. */
  step(ctx: StepContext<TConfig>, file: LocalFile, session: TSession): Promise<StepResult<TSession>>;
  /** Parse a journaled session back; a session that does not parse restarts the upload. */
  parseSession(value: unknown): TSession;
  /** Give up the server-side session on cancel, where the protocol has one (S3 abort, tus DELETE). */
  abort?(ctx: StepContext<TConfig>, session: TSession): Promise<void>;
  /**
   * "Test connection" for the account screen: the cheapest authenticated request the protocol has
   * (a token fetch, HeadBucket, tus OPTIONS, a ticket request). Throws an UploadError carrying the
   * provider's own code and message on failure.
   */
  testConnection?(ctx: Omit<StepContext<TConfig>, 'onBytesSent'>): Promise<void>;
}

/**
 * A provider of whatever config and session types it has, as the engine and the account screen hold
 * one: they only hand a provider back what the same provider parsed or returned. Every concrete
 * `Provider<Config, Session>` is one (its methods are declared as methods, so their parameters are
 * compared bivariantly).
 */
export type AnyProvider = Provider<unknown, unknown>;
