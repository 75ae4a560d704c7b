import type { Got } from 'got';
import type { Readable } from 'node:stream';
import type { HistoryDetails, LinkView } from '../../shared/models.ts';

/** A file on disk as the engine hands it to a provider: identity, size and ways to read ranges. */
export interface LocalFile {
  path: string;
  name: string;
  size: number;
  mtimeMs: number;
  mimeType: string;
  /**
   * Hex SHA-256 of the whole file, and its MD5 only for providers whose capabilities say
   * `needsMd5First` (then both are settled before the first step). For the others the engine reads the
   * SHA-256 while the upload runs, so awaiting it early makes the upload wait for a full read.
   */
  digests(): Promise<{ md5: string | null; sha256: string }>;
  /** A fresh stream over bytes [start, endExclusive): one per attempt, never the whole file in memory. */
  openRange(start: number, endExclusive: number): Readable;
  /** The same range as one buffer, for protocols that encode a part whole (bounded by the part size). */
  readRange(start: number, endExclusive: number): Promise<Buffer>;
  /**
   * The same range in chunks read into one reused buffer: a chunk is valid only until the next one is
   * requested. For bodies that re-encode the bytes as they go (base64) without allocating per chunk.
   */
  readChunks(start: number, endExclusive: number, chunkSize: number): AsyncIterable<Buffer>;
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
   * slice). Everyone else gets only the SHA-256, read alongside the upload: raw-body protocols then run
   * at the speed of the wire instead of waiting for a hashing pass, and skip MD5's CPU cost.
   */
  needsMd5First?: boolean;
  /**
   * Who can fetch the file behind one of its links: anyone with the URL (`public`: a CDN link, a
   * presigned URL, a link that carries its own secret), only a client that sends the account's
   * credentials as headers (`with-headers`), or nobody, because the provider keeps no file of its own
   * (`none`). A service that takes URLs instead of bytes (OPPO push) needs `public`.
   */
  linkAccess: 'public' | 'with-headers' | 'none';
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
  /** Parse and check an account's non-secret fields; throws a ProviderError with the reason. */
  parseConfig(fields: Readonly<Record<string, string>>): TConfig;
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
