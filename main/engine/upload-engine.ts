import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Got } from 'got';
import { remoteNamingOf } from '../../shared/catalog.ts';
import type { ErrorView } from '../../shared/errors.ts';
import type { HistoryEntryView, TaskState, TaskView } from '../../shared/models.ts';
import { RemoteNameError, remoteNamePatternNeedsHash, renderRemoteName } from '../../shared/remote-name.ts';
import type { LocalFile, Provider, RemoteResult, StepContext } from '../providers/provider.ts';
import type { HistoryStore } from '../store/history-store.ts';
import type { NewTask, StagedBytes, TaskJournal, TaskPlan, TaskRecord } from '../store/task-journal.ts';
import { processImage } from '../processing/image-processor.ts';
import { digestsOf, hashFile, readWhole, wholeReadLimit, type FileDigests } from './local-file.ts';
import { mimeTypeOf } from './mime-type.ts';
import { ProgressBatcher } from './progress-batcher.ts';
import { defaultRetryPolicy, finalError, retryDelayMs, type RetryPolicy } from './retry-policy.ts';
import { Speedometer } from './speedometer.ts';
import { TokenBucket } from './token-bucket.ts';
import { SentFile, type FileIdentity } from './sent-file.ts';
import { UploadError } from '../net/upload-error.ts';

/**
 * How many stall timeouts a provider that stores a file again on every repeat (`repeatStoresAgain`)
 * gets to answer once the whole file has gone out: 2 minutes with the default 30 s watchdog.
 */
export const answerWaitFactor = 4;

/** What the engine needs to upload to an account: its adapter, parsed config and decrypted secrets. */
export interface ResolvedAccount {
  id: string;
  providerId: string;
  provider: Provider<unknown, unknown>;
  config: unknown;
  secrets: Readonly<Record<string, string>>;
}

export interface UploadEngineOptions {
  journal: TaskJournal;
  history: HistoryStore;
  /**
   * The HTTP client, asked for when a request is about to be made: got and its dependencies are
   * loaded only by a service that sends something.
   */
  http(): Promise<Got>;
  /**
   * Throws (or rejects with) UploadError when the account is unknown or unusable. May be async: the
   * Sandbox account's emulator can be started on its first use.
   */
  resolveAccount(accountId: string): ResolvedAccount | Promise<ResolvedAccount>;
  concurrency?: number;
  retryPolicy?: RetryPolicy;
  /** An attempt with no byte sent or acknowledged for this long is aborted and retried. */
  stallTimeoutMs?: number;
  onTasksChanged(tasks: TaskView[]): void;
  onHistoryAdded(entry: HistoryEntryView): void;
  /** After `onHistoryAdded`, with the task as journaled (the user's path) and the entry it got. */
  onTaskDone?(task: TaskRecord, entry: HistoryEntryView): void;
  /** Where processed copies are staged (in the data folder); processing is off without it. */
  processedDir?: string;
}

/** The bytes a task sends: the user's file, or its processed copy. */
interface OutgoingBytes {
  path: string;
  name: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number | null;
  staged: StagedBytes | null;
  /**
   * The user's file, stat'ed against the task's identity a moment ago (only its head read since, to
   * sniff it): a read of it that follows need not stat it again.
   */
  justChecked?: true;
  /** Processing wrote to the task's journal row (a staged copy saved or forgotten): it must be read again. */
  rejournaled?: true;
}

/**
 * The largest file read whole before sending to look for an earlier upload of the same bytes. Photos
 * and screenshots are well under it; past it, the extra read would slow the upload more than a
 * duplicate costs (a processed copy's digest is known anyway, whatever its size).
 */
const dedupeReadLimit = 32 * 1024 * 1024;

/** Links that stop working (presigned URLs) are not handed out again as if they were new. */
function linksExpire(entry: HistoryEntryView): boolean {
  return entry.links.some((link) => /[?&](x-amz-expires|x-amz-signature|expires|signature)=/i.test(link.url));
}

type StopReason = 'pause' | 'cancel' | 'close';

/** Live, in-memory facts about a running task that the journal does not need to hold. */
interface LiveTask {
  /**
   * Hashing or uploading, shown instead of the journal's state. Not journaled: a resume treats every
   * live state alike, so writing each step to disk for every file of a batch would buy nothing.
   */
  state: 'hashing' | 'uploading' | null;
  controller: AbortController;
  stopReason: StopReason | null;
  inFlightBytes: number;
  /** Highest value ever shown: progress never moves backwards, even when the server rewinds. */
  shownBytes: number;
  speed: Speedometer;
  /** Processing sent the file as it is: no staged copy to remove, whether or not that was journaled. */
  sentAsIs: boolean;
}

const liveStates: readonly TaskState[] = ['queued', 'hashing', 'uploading'];

function errorView(error: unknown): ErrorView {
  if (error instanceof UploadError) return error.view;
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ENOENT') return { code: 'file-not-found', message: 'The file no longer exists.' };
  if (code === 'EACCES' || code === 'EPERM') {
    return { code: 'file-unreadable', message: 'Ferry is not allowed to read this file.' };
  }
  if (code === 'EISDIR') return { code: 'folder-unsupported', message: 'Folders are not supported yet.' };
  if (code === 'ESHORTREAD')
    return { code: 'file-changed', message: 'The file changed while it was being uploaded.' };
  return {
    code: 'internal',
    message: `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** What a path is, as far as uploading goes: a regular file with its identity, or why it cannot be one. */
async function inspectPath(path: string): Promise<(FileIdentity & { ctimeMs: number }) | ErrorView> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { code: 'folder-unsupported', message: 'Folders are not supported yet.' };
    if (!info.isFile()) {
      return {
        code: 'file-unreadable',
        message: 'Not a regular file (a device, socket or pipe cannot be uploaded).',
      };
    }
    return { size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs };
  } catch (error) {
    const view = errorView(error);
    return view.code === 'internal' ? { code: 'file-unreadable', message: view.message } : view;
  }
}

/** Before the file is read whole (processing, hashing for the same bytes): is it still the one added? */
async function assertUnchanged(record: TaskRecord): Promise<void> {
  assertIdentity(record, await stat(record.path));
}

function assertIdentity(record: TaskRecord, now: { size: number; mtimeMs: number; ctimeMs: number }): void {
  if (
    now.size !== record.size ||
    now.mtimeMs !== record.mtimeMs ||
    (record.ctimeMs !== null && now.ctimeMs !== record.ctimeMs)
  ) {
    throw UploadError.of(
      'file-changed',
      'The file was modified after it was added; retry to upload the new version from the start.',
    );
  }
}

/**
 * A small user file, read whole at most once per run and checked against the task's identity as it is
 * read: the image check, the digests and the send all take their bytes from that one read.
 */
interface WholeRead {
  /** The user's path: a processed copy is other bytes. */
  path: string;
  read(): Promise<Buffer>;
}

function wholeReadOf(record: TaskRecord): WholeRead | null {
  if (record.size === null || record.size > wholeReadLimit) return null;
  let reading: Promise<Buffer> | null = null;
  return {
    path: record.path,
    read: () =>
      (reading ??= readWhole(record.path).then((whole) => {
        assertIdentity(record, whole);
        return whole.bytes!; // the identity's size is the task's, within the limit: read
      })),
  };
}

/**
 * Before the task's bytes are read (processing, hashing): a small file read whole, its identity checked
 * as it is read; otherwise null, once a stat found the file still the one added (skipped when
 * `justChecked` says that was just done).
 */
async function unchangedContents(
  record: TaskRecord,
  whole: WholeRead | null,
  justChecked = false,
): Promise<Buffer | null> {
  if (whole !== null) return whole.read();
  if (!justChecked) await assertUnchanged(record);
  return null;
}

/**
 * The task's digests in one pass, of its bytes read whole or of the file; a size that differs from the
 * task's means the file changed.
 */
async function digestsOfTask(
  record: TaskRecord,
  signal: AbortSignal,
  md5: boolean,
  contents: Buffer | null,
): Promise<FileDigests> {
  const digests =
    contents !== null
      ? digestsOf(contents, { md5 })
      : await hashFile(record.path, signal, {
          md5,
          ...(record.size !== null ? { expectedSize: record.size } : {}),
        });
  if (digests.bytes !== record.size)
    throw UploadError.of('file-changed', 'The file changed while it was being read.');
  return digests;
}

/** A task's processed copy; processImage writes it through `<path>.part`, renamed once complete. */
function stagedPathOf(dir: string, taskId: string): string {
  return join(dir, `${taskId}.out`);
}

function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

function isErrorView(value: object): value is ErrorView {
  return 'code' in value;
}

/**
 * The provider-agnostic upload engine: journals every task before network I/O, runs at most
 * `concurrency` at once, drives the provider's steps with engine-owned retries, a stall watchdog and
 * the account's rate limit, and turns success into a history entry in the same transaction that
 * completes the task.
 */
export class UploadEngine {
  readonly #options: UploadEngineOptions;
  readonly #retryPolicy: RetryPolicy;
  readonly #stallTimeoutMs: number;
  readonly #queue: string[] = [];
  readonly #live = new Map<string, LiveTask>();
  readonly #running = new Set<Promise<void>>();
  readonly #buckets = new Map<string, TokenBucket>();
  /** Each task's file as sent so far, kept across a pause so that a resume need not read it back. */
  readonly #sentFiles = new Map<string, SentFile>();
  readonly #batcher: ProgressBatcher;
  /** The processed copies' folder, made once rather than once per file of a batch. */
  #processedDirMade: Promise<void> | null = null;
  #concurrency: number;
  #closed = false;

  constructor(options: UploadEngineOptions) {
    this.#options = options;
    this.#concurrency = options.concurrency ?? 3;
    this.#retryPolicy = options.retryPolicy ?? defaultRetryPolicy;
    this.#stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
    this.#batcher = new ProgressBatcher((ids) => {
      const tasks = ids.flatMap((id) => {
        const record = this.#options.journal.get(id);
        return record ? [this.#view(record)] : [];
      });
      if (tasks.length > 0) this.#options.onTasksChanged(tasks);
    });
  }

  /**
   * Journal one task per path and queue the ones that can upload. A path that cannot (missing, a
   * folder, not a regular file) becomes a failed task with its own reason; the others go on. A file
   * already being uploaded to the same account is not added twice: its live task's id is returned.
   * `plan`: what each task does before its bytes leave (processing, dedupe, rename), journaled with it.
   */
  async add(paths: readonly string[], accountId: string, plan: TaskPlan | null = null): Promise<string[]> {
    await this.#options.resolveAccount(accountId); // refuse the whole call for an unknown account
    const { journal } = this.#options;
    const inspected = await Promise.all(
      paths.map(async (rawPath) => {
        const path = resolve(rawPath);
        return { path, identity: await inspectPath(path) };
      }),
    );
    const ids: string[] = [];
    const fresh: NewTask[] = [];
    const claimed = new Set<string>();
    const liveByIdentity = new Map<string, TaskRecord>();
    const identityKey = (path: string, size: number | null, mtimeMs: number | null) =>
      `${path}\0${size}\0${mtimeMs}`;
    for (const task of journal.findLive(
      accountId,
      inspected.map(({ path }) => path),
    )) {
      const key = identityKey(task.path, task.size, task.mtimeMs);
      if (!liveByIdentity.has(key)) liveByIdentity.set(key, task);
    }
    for (const { path, identity } of inspected) {
      const base = { id: randomUUID(), accountId, path, name: basename(path) || path };
      if (isErrorView(identity)) {
        fresh.push({ ...base, size: null, mtimeMs: null, ctimeMs: null, state: 'failed', error: identity });
        ids.push(base.id);
        continue;
      }
      const key = identityKey(path, identity.size, identity.mtimeMs);
      const live = liveByIdentity.get(key);
      if (live) {
        ids.push(live.id);
        continue;
      }
      if (claimed.has(key)) {
        ids.push(fresh.find((task) => task.path === path && task.state === 'queued')!.id);
        continue;
      }
      claimed.add(key);
      fresh.push({ ...base, ...identity, state: 'queued', error: null, plan });
      ids.push(base.id);
    }
    journal.add(fresh);
    for (const task of fresh) {
      this.#batcher.mark(task.id);
      if (task.state === 'queued') this.#queue.push(task.id);
    }
    this.#pump();
    return ids;
  }

  /** Re-queue what a previous run left unfinished; the provider session in the journal is reused. */
  resumeUnfinished(): void {
    for (const task of this.#options.journal.inStates(liveStates)) this.#enqueue(task.id);
    this.#pump();
  }

  /** Pause queued or running tasks; a running one stops its attempt and keeps its server session. */
  pause(ids: readonly string[]): string[] {
    const changed: string[] = [];
    for (const id of ids) {
      const live = this.#live.get(id);
      if (live) {
        live.stopReason ??= 'pause';
        live.controller.abort();
        changed.push(id);
      } else if (this.#options.journal.transition(id, ['queued'], 'paused')) {
        this.#dequeue(id);
        this.#batcher.mark(id);
        changed.push(id);
      }
    }
    return changed;
  }

  resume(ids: readonly string[]): string[] {
    const changed = ids.filter((id) => this.#options.journal.transition(id, ['paused'], 'queued'));
    for (const id of changed) {
      this.#enqueue(id);
      this.#batcher.mark(id);
    }
    this.#pump();
    return changed;
  }

  pauseAll(): string[] {
    return this.pause(this.#options.journal.inStates(liveStates).map((task) => task.id));
  }

  resumeAll(): string[] {
    return this.resume(this.#options.journal.inStates(['paused']).map((task) => task.id));
  }

  /** Cancel: stop, give up the server-side session where the protocol has one, and keep nothing to resume. */
  async cancel(ids: readonly string[]): Promise<string[]> {
    const changed: string[] = [];
    const stopping: Promise<void>[] = [];
    for (const id of ids) {
      const live = this.#live.get(id);
      if (live) {
        live.stopReason = 'cancel';
        live.controller.abort();
        changed.push(id);
        continue;
      }
      const record = this.#options.journal.get(id);
      if (record && this.#options.journal.cancel(id)) {
        this.#dequeue(id);
        this.#sentFiles.delete(id);
        stopping.push(this.#abortRemote(record), this.#discardStaged(id));
        this.#batcher.mark(id);
        changed.push(id);
      }
    }
    await Promise.all(stopping);
    return changed;
  }

  /** Try failed or cancelled tasks again: continuing their session if the file is unchanged, anew if not. */
  async retry(ids: readonly string[]): Promise<string[]> {
    const { journal } = this.#options;
    const changed: string[] = [];
    for (const id of ids) {
      const record = journal.get(id);
      if (!record || (record.state !== 'failed' && record.state !== 'cancelled')) continue;
      const identity = await inspectPath(record.path);
      if (isErrorView(identity)) {
        journal.fail(id, identity); // still not uploadable: say so again, with today's reason
        this.#batcher.mark(id);
        continue;
      }
      // A task that failed because its file changed starts over even if the file looks the same now:
      // its server session holds bytes of another version.
      const unchanged =
        identity.size === record.size &&
        identity.mtimeMs === record.mtimeMs &&
        (record.ctimeMs === null || identity.ctimeMs === record.ctimeMs) &&
        record.error?.code !== 'file-changed';
      if (journal.requeue(id, unchanged ? null : identity)) {
        this.#enqueue(id);
        this.#batcher.mark(id);
        changed.push(id);
      }
    }
    this.#pump();
    return changed;
  }

  setConcurrency(concurrency: number): void {
    this.#concurrency = Math.max(1, Math.floor(concurrency));
    this.#pump();
  }

  list(): TaskView[] {
    return this.#options.journal.all().map((record) => this.#view(record));
  }

  /** Stop all work; unfinished tasks stay in the journal and resume on the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    for (const live of this.#live.values()) {
      live.stopReason ??= 'close';
      live.controller.abort();
    }
    await Promise.allSettled([...this.#running]);
    this.#sentFiles.clear();
    this.#batcher.close();
  }

  /** Resolves when nothing is queued or running (for the CLI and tests). */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#queue.length > 0) {
      await Promise.allSettled([...this.#running]);
    }
    this.#batcher.flushNow();
  }

  #enqueue(id: string): void {
    if (!this.#queue.includes(id) && !this.#live.has(id)) this.#queue.push(id);
  }

  #dequeue(id: string): void {
    const index = this.#queue.indexOf(id);
    if (index !== -1) this.#queue.splice(index, 1);
  }

  #view(record: TaskRecord): TaskView {
    const live = this.#live.get(record.id);
    const transferred = live
      ? live.shownBytes
      : record.state === 'done'
        ? (record.size ?? 0)
        : record.committedBytes;
    // The journal has the last word once the task is no longer live there (paused, failed, done).
    const state = live?.state && liveStates.includes(record.state) ? live.state : record.state;
    const speed = live && state === 'uploading' ? live.speed.bytesPerSecond() : null;
    const remaining = (record.size ?? 0) - transferred;
    return {
      id: record.id,
      accountId: record.accountId,
      path: record.path,
      name: record.name,
      size: record.size,
      state,
      transferredBytes: transferred,
      bytesPerSecond: speed,
      etaSeconds: speed !== null && speed > 0 ? remaining / speed : null,
      error: record.error,
      historyId: record.historyId,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  #pump(): void {
    while (!this.#closed && this.#running.size < this.#concurrency && this.#queue.length > 0) {
      const id = this.#queue.shift()!;
      const run = this.#run(id).finally(() => {
        this.#running.delete(run);
        this.#pump();
      });
      this.#running.add(run);
    }
  }

  #showState(id: string, state: 'hashing' | 'uploading'): void {
    const live = this.#live.get(id);
    if (live) live.state = state;
    this.#batcher.mark(id);
  }

  #showProgress(id: string, live: LiveTask, committedBytes: number, size: number): void {
    live.shownBytes = Math.min(size, Math.max(live.shownBytes, committedBytes + live.inFlightBytes));
    live.speed.record(live.shownBytes);
    this.#batcher.mark(id);
  }

  #bucketFor(account: ResolvedAccount): TokenBucket | undefined {
    const rate = account.provider.capabilities.requestsPerSecond;
    if (rate === undefined) return undefined;
    let bucket = this.#buckets.get(account.id);
    if (!bucket) this.#buckets.set(account.id, (bucket = new TokenBucket(rate)));
    return bucket;
  }

  async #run(id: string): Promise<void> {
    const { journal } = this.#options;
    const record = journal.get(id);
    // Paused or cancelled while it waited in the queue, or never uploadable: nothing to run.
    if (!record || !liveStates.includes(record.state) || record.size === null || record.mtimeMs === null)
      return;
    const live: LiveTask = {
      state: null,
      controller: new AbortController(),
      stopReason: null,
      inFlightBytes: 0,
      shownBytes: record.committedBytes,
      speed: new Speedometer(),
      sentAsIs: false,
    };
    this.#live.set(id, live);
    try {
      await this.#upload(record, live);
    } catch (error) {
      if (live.stopReason === 'pause') {
        journal.transition(id, liveStates, 'paused');
      } else if (live.stopReason === 'cancel') {
        const latest = journal.get(id);
        journal.cancel(id);
        if (latest) await this.#abortRemote(latest);
      } else if (live.stopReason !== 'close') {
        // A retryable error that reaches here was tried once (a session start is not retried).
        const final = error instanceof UploadError && error.retryable ? finalError(error, 1) : error;
        const view = errorView(final);
        journal.fail(id, view);
        // What the server holds mixes two versions of the file: give it up rather than leave it to
        // be completed (S3 AbortMultipartUpload, tus termination).
        const latest = journal.get(id);
        if (view.code === 'file-changed' && latest) await this.#abortRemote(latest);
      }
      // 'close': left as it is in the journal, to resume on the next start.
    } finally {
      this.#live.delete(id);
      const sent = this.#sentFiles.get(id);
      sent?.release();
      const ended = journal.get(id);
      if (ended?.state !== 'paused') this.#sentFiles.delete(id);
      if (!live.sentAsIs) await this.#discardStaged(id, ended);
      this.#batcher.mark(id);
    }
  }

  /** A staged copy lives as long as its task does not end: done, failed or cancelled, it goes. */
  async #discardStaged(id: string, record = this.#options.journal.get(id)): Promise<void> {
    if (!record || liveStates.includes(record.state) || record.state === 'paused') return;
    const dir = this.#options.processedDir;
    const { staged } = record;
    if (staged === null) {
      // No outcome journaled: a process killed mid-encoding may have left an output no entry names.
      if (record.plan?.processing && dir !== undefined) {
        const path = stagedPathOf(dir, id);
        await Promise.all([rm(path, { force: true }), rm(`${path}.part`, { force: true })]);
      }
      return;
    }
    // Sent as it was (not an image, nothing to change): nothing was written, nothing to remove. The
    // common case for a batch of plain files, which no longer pays two removals and a write each.
    if (staged.path === null) return;
    await rm(staged.path, { force: true });
    this.#options.journal.saveStaged(id, null);
  }

  /** Best effort: a server that keeps an abandoned session costs storage, not correctness. */
  async #abortRemote(record: TaskRecord): Promise<void> {
    if (record.session === null) return;
    try {
      const account = await this.#options.resolveAccount(record.accountId);
      if (!account.provider.abort) return;
      const session = account.provider.parseSession(record.session);
      await account.provider.abort(
        await this.#context(account, AbortSignal.timeout(10_000), () => {}),
        session,
      );
    } catch {
      // The task is cancelled either way.
    }
  }

  async #context(
    account: ResolvedAccount,
    signal: AbortSignal,
    onBytesSent: (bytes: number) => void,
    uploadVia?: StepContext<unknown>['uploadVia'],
  ): Promise<StepContext<unknown>> {
    return {
      config: account.config,
      secrets: account.secrets,
      http: await this.#options.http(),
      signal,
      onBytesSent,
      ...(uploadVia ? { uploadVia } : {}),
    };
  }

  async #upload(initial: TaskRecord, live: LiveTask): Promise<void> {
    const { journal } = this.#options;
    const signal = live.controller.signal;
    const account = await this.#options.resolveAccount(initial.accountId);
    const whole = wholeReadOf(initial);
    const bytes = await this.#outgoingBytes(initial, signal, whole);
    live.sentAsIs = bytes.staged?.path === null;
    const record: TaskRecord = {
      ...(bytes.rejournaled === true ? journal.get(initial.id)! : initial),
      path: bytes.path,
      name: bytes.name,
      size: bytes.size,
      mtimeMs: bytes.mtimeMs,
      ctimeMs: bytes.ctimeMs,
    };
    // The user's file, not a processed copy: its one read of the bytes is shared by every step below.
    const sharedRead = whole?.path === record.path ? whole : null;
    if (await this.#reuseEarlierUpload(record, account, bytes, signal, sharedRead)) return;
    const size = record.size!;
    const maxSize = account.provider.capabilities.maxFileSize;
    if (maxSize !== undefined && size > maxSize) {
      throw UploadError.of(
        'file-too-large',
        `The file is ${size} bytes; this provider accepts at most ${maxSize} bytes per file.`,
      );
    }

    const remoteName = await this.#remoteName(record, account, signal, sharedRead);
    // Digests taken above (for the same bytes, or the name) were journaled and set on the record.
    const { md5, sha256 } = record;
    const needsMd5 = account.provider.capabilities.needsMd5First === true;
    let file = this.#sentFiles.get(record.id);
    // Read whole in this run (by a step above, or now): sent from memory.
    const contents = file === undefined && sharedRead !== null ? await sharedRead.read() : null;
    // Stat'ed against the task's identity moments ago, and this is the first look at it in this run: the
    // first attempt need not stat it again (the check before the last bytes still does).
    let identityJustChecked = (bytes.justChecked === true || contents !== null) && file === undefined;
    if (!file) {
      file = new SentFile({
        path: record.path,
        name: record.name,
        remoteName,
        // The name, not the path: a processed copy's staged path does not carry its format.
        mimeType: mimeTypeOf(record.name),
        identity: { size, mtimeMs: record.mtimeMs!, ctimeMs: record.ctimeMs },
        // Digests journaled by an earlier run (Tencent's, or any from before they were taken as sent).
        upfront: sha256 !== null && (md5 !== null || !needsMd5) ? { md5, sha256 } : null,
        // Only a resumable protocol's server keeps bytes of an earlier run; the others get them all again.
        resumed: record.session !== null && account.provider.capabilities.resumable,
        ...(contents !== null ? { contents } : {}),
      });
      this.#sentFiles.set(record.id, file);
    }
    if (needsMd5 && file.upfrontDigests === null) {
      this.#showState(record.id, 'hashing');
      // Bytes read whole were checked as they were read.
      if (contents === null) await file.checkIdentity();
      file.expectDigests(await this.#hash(record, signal, true, contents));
    }

    this.#showState(record.id, 'uploading');
    let committed = record.committedBytes;
    let session: unknown = null;
    try {
      if (record.session !== null) session = account.provider.parseSession(record.session);
    } catch {
      session = null; // an unreadable journaled session restarts the upload rather than failing it
    }
    if (session === null) {
      session = await account.provider.startSession(await this.#context(account, signal, () => {}), file);
      committed = 0;
      // With the digests #hash left to this write (or the journal's own, written again); a file kept
      // across a pause holds the digests it was hashed to before, which may not be journaled yet.
      journal.saveFirstSession(record.id, session, file.upfrontDigests ?? record);
    }

    const result = await this.#stepUntilDone(account, file, { session, committed }, signal, {
      beforeAttempt: async () => {
        live.inFlightBytes = 0;
        if (identityJustChecked) identityJustChecked = false;
        else await file.checkIdentity();
      },
      onBytesSent: (bytes) => {
        live.inFlightBytes = bytes;
        this.#showProgress(record.id, live, committed, size);
      },
      onStep: (step) => {
        live.inFlightBytes = 0;
        committed = step.committedBytes;
        journal.saveSession(record.id, step.session, committed);
        this.#showProgress(record.id, live, committed, size);
      },
    });
    live.inFlightBytes = 0;
    // Settled by the provider's final step, or now if it finished without one (a resumed upload the
    // server had already completed, or a pipeline that sends derivatives instead of the file).
    this.#complete(record, account, file, await file.sentSha256(), result, stagedDetails(bytes.staged));
  }

  /**
   * The step before the provider: which bytes this task sends. A plan with processing turns the file
   * into a staged copy in the data folder, journaled only once it is complete; a resume finds it and
   * sends the same bytes (a crash during processing leaves no journaled copy, so it is made again).
   */
  async #outgoingBytes(
    record: TaskRecord,
    signal: AbortSignal,
    whole: WholeRead | null,
  ): Promise<OutgoingBytes> {
    const original: OutgoingBytes = {
      path: record.path,
      name: record.name,
      size: record.size!,
      mtimeMs: record.mtimeMs!,
      ctimeMs: record.ctimeMs,
      staged: record.staged,
    };
    const dir = this.#options.processedDir;
    if (!record.plan?.processing || dir === undefined) return original;
    const { journal } = this.#options;
    let rejournaled = false;
    if (record.staged) {
      if (record.staged.path === null) return original;
      const info = await stat(record.staged.path).catch(() => null);
      if (info?.size === record.staged.size) {
        const { path, name, size } = record.staged;
        return { path, name, size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, staged: record.staged };
      }
      journal.saveStaged(record.id, null); // the copy went missing: made again below
      rejournaled = true;
    }
    this.#showState(record.id, 'hashing');
    // A small file is read whole here, its identity checked as it is read; a larger one is stat'ed.
    const contents = await unchangedContents(record, whole);
    this.#processedDirMade ??= mkdir(dir, { recursive: true }).then(
      () => {},
      (error: unknown) => {
        this.#processedDirMade = null;
        throw error;
      },
    );
    await this.#processedDirMade;
    const outcome = await processImage(record.path, stagedPathOf(dir, record.id), record.plan.processing, {
      signal,
      ...(contents !== null ? { contents } : {}),
    });
    const processed = outcome.kind === 'processed';
    // What was read is the file that was added. Sent as it is, only its head was read (to sniff it),
    // and the upload checks the file itself before and after sending.
    if (processed) await assertUnchanged(record);
    const staged: StagedBytes = {
      path: processed ? outcome.path : null,
      size: outcome.size,
      sha256: processed
        ? (await hashFile(outcome.path, signal, { md5: false, expectedSize: outcome.size })).sha256
        : null,
      name: processed ? outcome.name : record.name,
      originalSize: outcome.originalSize,
      removed: outcome.removed,
      notice: outcome.notice,
    };
    // Sent as it is: not journaled (one write less per plain file of a batch). A resume sniffs the head
    // again and learns the same; the bytes sent are the file's, so digests journaled meanwhile hold.
    if (!processed)
      return { ...original, staged, justChecked: true, ...(rejournaled ? { rejournaled } : {}) };
    journal.saveStaged(record.id, staged);
    if (staged.sha256 !== null) journal.saveHashes(record.id, null, staged.sha256);
    const info = await stat(outcome.path);
    const { name, size } = staged;
    const { mtimeMs, ctimeMs } = info;
    return { path: outcome.path, name, size, mtimeMs, ctimeMs, staged, rejournaled: true };
  }

  /**
   * The same bytes already uploaded to this account: the task completes with the earlier entry's links
   * and no request to the provider. Expiring links are not handed out again.
   */
  async #reuseEarlierUpload(
    record: TaskRecord,
    account: ResolvedAccount,
    bytes: OutgoingBytes,
    signal: AbortSignal,
    whole: WholeRead | null,
  ): Promise<boolean> {
    if (record.plan?.dedupe !== true) return false;
    let sha256 = record.sha256;
    if (sha256 === null) {
      if (record.size! > dedupeReadLimit) return false;
      const contents = await unchangedContents(record, whole, bytes.justChecked === true);
      // A protocol that wants the MD5 before the first byte reads the file for it anyway: both digests
      // in this one read, journaled as the ones the sent bytes must match (what #hash does later).
      if (account.provider.capabilities.needsMd5First === true) {
        sha256 = (await this.#hash(record, signal, true, contents)).sha256;
        return this.#completeAsEarlier(record, account, bytes, sha256);
      }
      // Only a key to look up: not journaled, so it does not become a digest the sent bytes must match
      // (the history's digest stays the one of the bytes as they went out).
      sha256 = (await digestsOfTask(record, signal, false, contents)).sha256;
    }
    return this.#completeAsEarlier(record, account, bytes, sha256);
  }

  /** Complete the task with an earlier upload of the same bytes, if there is one whose links still work. */
  #completeAsEarlier(
    record: TaskRecord,
    account: ResolvedAccount,
    bytes: OutgoingBytes,
    sha256: string,
  ): boolean {
    const earlier = this.#options.history.sameBytes(account.id, sha256).find((entry) => !linksExpire(entry));
    if (!earlier) return false;
    const file = { name: bytes.name, size: bytes.size, mimeType: mimeTypeOf(bytes.name) };
    this.#complete(record, account, file, sha256, earlier, {
      ...stagedDetails(bytes.staged),
      alreadyUploadedAt: earlier.createdAt,
      alreadyUploadedAs: earlier.id,
      note: `already uploaded on ${new Date(earlier.createdAt).toISOString().slice(0, 10)}`,
    });
    return true;
  }

  /**
   * The name the file gets on the server when the plan has a rename pattern: made once and journaled,
   * so a resume sends under the same name ({uuid}, {rand:N} and the time are drawn once; the time is
   * when the file was added). Undefined: the provider names it as it always has (S3: its default pattern).
   */
  async #remoteName(
    record: TaskRecord,
    account: ResolvedAccount,
    signal: AbortSignal,
    whole: WholeRead | null,
  ): Promise<string | undefined> {
    if (record.remoteName !== null) return record.remoteName;
    const pattern = record.plan?.rename ?? '';
    if (pattern === '') return undefined;
    let name: string;
    try {
      let sha256 = record.sha256;
      if (sha256 === null && remoteNamePatternNeedsHash(pattern)) {
        const contents = await unchangedContents(record, whole);
        const needsMd5 = account.provider.capabilities.needsMd5First === true;
        sha256 = (await this.#hash(record, signal, needsMd5, contents)).sha256;
      }
      const values = {
        name: record.name,
        time: new Date(record.createdAt),
        sha256,
        uuid: randomUUID(),
        random: randomHex,
      };
      name = renderRemoteName(pattern, values, remoteNamingOf(account.providerId));
    } catch (error) {
      if (error instanceof RemoteNameError)
        throw UploadError.of('account-invalid', `Rename pattern "${pattern}": ${error.message}`);
      throw error;
    }
    this.#options.journal.saveRemoteName(record.id, name);
    return name;
  }

  /**
   * The digests in one pass (of the file, or of its bytes read whole), set on the record and journaled
   * (at once, or with the task's first session); a size that differs from the task's means the file
   * changed.
   */
  async #hash(
    record: TaskRecord,
    signal: AbortSignal,
    md5 = true,
    contents: Buffer | null = null,
  ): Promise<{ md5: string | null; sha256: string }> {
    const digests = await digestsOfTask(record, signal, md5, contents);
    // A task with no session yet journals them with its first session, still before any byte is sent
    // (a crash before that loses only this read).
    if (record.session !== null) this.#options.journal.saveHashes(record.id, digests.md5, digests.sha256);
    // The record in hand follows the journal: later steps read the digests from it, not from disk.
    record.md5 = digests.md5;
    record.sha256 = digests.sha256;
    return digests;
  }

  /**
   * StepContext.uploadVia: a whole upload of a small file a step made (a derivative) through another
   * account. It shares the rate limit, retries and stall watchdog of ordinary uploads but not the
   * journal or the history: the calling step journals the result it needs, and a crash before that
   * only costs regenerating and re-sending a small file.
   */
  async #uploadVia(accountId: string, path: string, signal: AbortSignal): Promise<RemoteResult> {
    const account = await this.#options.resolveAccount(accountId);
    const info = await stat(path);
    const digests = await hashFile(path, signal, {
      md5: account.provider.capabilities.needsMd5First === true,
      expectedSize: info.size,
    });
    const maxSize = account.provider.capabilities.maxFileSize;
    if (maxSize !== undefined && digests.bytes > maxSize) {
      throw UploadError.of(
        'file-too-large',
        `${basename(path)} is over ${maxSize} bytes, the limit of ${accountId}.`,
      );
    }
    // Read whole already (for the size limit), so what is sent is compared with that digest.
    const file = new SentFile({
      path,
      identity: { size: digests.bytes, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs },
      upfront: digests,
    });
    const session = await account.provider.startSession(await this.#context(account, signal, () => {}), file);
    return this.#stepUntilDone(account, file, { session, committed: 0 }, signal, { nested: true });
  }

  /**
   * The step loop: the account's rate limit, one step per attempt, engine-owned retries with backoff
   * (Retry-After honoured), and a fresh set of attempts whenever the committed offset advances.
   */
  async #stepUntilDone(
    account: ResolvedAccount,
    file: LocalFile,
    start: { session: unknown; committed: number },
    signal: AbortSignal,
    hooks: {
      beforeAttempt?: () => Promise<void>;
      onBytesSent?: (bytes: number) => void;
      onStep?: (step: { session: unknown; committedBytes: number }) => void;
      /** An upload inside another task's step (uploadVia): it cannot nest another. */
      nested?: boolean;
    },
  ): Promise<RemoteResult> {
    const bucket = this.#bucketFor(account);
    let { session, committed } = start;
    let attempt = 0;
    for (;;) {
      await hooks.beforeAttempt?.();
      await bucket?.take(signal);
      attempt++;
      try {
        const result = await this.#attempt(account, file, session, signal, hooks.onBytesSent ?? (() => {}), {
          allowUploadVia: !hooks.nested,
        });
        if (result.kind === 'done') return result.result;
        // Progress earns a fresh set of attempts. A step that answered without moving on (a slice
        // halved after a 413, a new ticket) failed nothing: only failures since progress count.
        attempt = result.committedBytes > committed ? 0 : attempt - 1;
        committed = result.committedBytes;
        session = result.session;
        hooks.onStep?.(result);
      } catch (error) {
        if (signal.aborted || !(error instanceof UploadError) || !error.retryable) throw error;
        if (attempt >= this.#retryPolicy.maxAttempts) {
          // An upload inside another task's step leaves the verdict to that step's own retries.
          throw hooks.nested === true ? error : finalError(error, attempt);
        }
        await delay(retryDelayMs(this.#retryPolicy, attempt, error.retryAfterSeconds), undefined, { signal });
      }
    }
  }

  /**
   * One provider step under a stall watchdog: if no byte moves for `stallTimeoutMs` (a server that
   * accepts the connection and then says nothing), the attempt is aborted and counts as a retryable
   * network failure. For a provider whose upload cannot be repeated without a second copy, the wait
   * after the whole file has gone out is `answerWaitFactor` times longer: the server is still receiving
   * what the socket buffered and storing it, and giving up then is what leaves the duplicate. While the
   * step runs an upload through another account, that upload's own attempts are watched instead.
   */
  async #attempt(
    account: ResolvedAccount,
    file: LocalFile,
    session: unknown,
    taskSignal: AbortSignal,
    onBytesSent: (bytes: number) => void,
    options: { allowUploadVia: boolean },
  ) {
    const attempt = new AbortController();
    const stopWithTask = (): void => attempt.abort();
    taskSignal.addEventListener('abort', stopWithTask, { once: true });
    let lastActivity = Date.now();
    let stalled = false;
    let nestedUploads = 0;
    const answerWaitMs =
      account.provider.capabilities.repeatStoresAgain === true
        ? this.#stallTimeoutMs * answerWaitFactor
        : this.#stallTimeoutMs;
    let wholeFileSent = false;
    const waitMs = () => (wholeFileSent ? answerWaitMs : this.#stallTimeoutMs);
    const watchdog = setInterval(
      () => {
        if (nestedUploads === 0 && Date.now() - lastActivity >= waitMs()) {
          stalled = true;
          attempt.abort();
        }
      },
      Math.max(50, Math.min(1000, this.#stallTimeoutMs / 4)),
    );
    const uploadVia = async (accountId: string, path: string, signal: AbortSignal) => {
      nestedUploads++;
      try {
        return await this.#uploadVia(accountId, path, signal);
      } finally {
        nestedUploads--;
        lastActivity = Date.now();
      }
    };
    try {
      const ctx = await this.#context(
        account,
        attempt.signal,
        (bytes) => {
          lastActivity = Date.now();
          // Per request: a second POST in the same step (after a refused token) starts again from 0.
          wholeFileSent = bytes >= file.size;
          onBytesSent(bytes);
        },
        options.allowUploadVia ? uploadVia : undefined,
      );
      return await account.provider.step(ctx, file, session);
    } catch (error) {
      if (stalled && !taskSignal.aborted) {
        const seconds = Number((waitMs() / 1000).toFixed(1));
        throw new UploadError(
          {
            code: 'network',
            message: wholeFileSent
              ? `No answer ${seconds} s after the whole file was sent.`
              : `No progress for ${seconds} s.`,
          },
          { retryable: true, cause: error },
        );
      }
      throw error;
    } finally {
      clearInterval(watchdog);
      taskSignal.removeEventListener('abort', stopWithTask);
    }
  }

  #complete(
    record: TaskRecord,
    account: ResolvedAccount,
    file: Pick<LocalFile, 'name' | 'size' | 'mimeType'>,
    sha256: string,
    result: RemoteResult,
    extraDetails: HistoryEntryView['details'] = {},
  ): void {
    const entry: HistoryEntryView = {
      id: randomUUID(),
      accountId: account.id,
      providerId: account.providerId,
      name: file.name,
      size: file.size,
      mimeType: file.mimeType,
      sha256,
      remoteId: result.remoteId,
      links: result.links,
      details: { ...result.details, ...extraDetails },
      createdAt: Date.now(),
    };
    this.#options.history.completeTask(this.#options.journal, record.id, entry);
    this.#options.onHistoryAdded(entry);
    // The journal's record: the user's path (a processed copy is not what the thumbnail or staging knows).
    const done = this.#options.journal.get(record.id) ?? record;
    this.#options.onTaskDone?.({ ...done, state: 'done', historyId: entry.id }, entry);
  }
}

/** What processing did, for the history: sizes before and after, what metadata went, why not. */
function stagedDetails(staged: StagedBytes | null): HistoryEntryView['details'] {
  if (staged === null) return {};
  return {
    // Sent as it was: no second size to show, only why (when something was asked of it).
    ...(staged.path !== null ? { originalSize: staged.originalSize } : {}),
    ...(staged.removed.length > 0 ? { metadataRemoved: staged.removed.join(',') } : {}),
    ...(staged.notice !== null ? { processingNotice: staged.notice } : {}),
  };
}
