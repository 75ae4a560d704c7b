import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Got } from 'got';
import type { ErrorView } from '../../shared/errors.ts';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import type { LocalFile, Provider, StepContext } from '../providers/provider.ts';
import type { HistoryStore } from '../store/history-store.ts';
import type { NewTask, TaskJournal, TaskRecord } from '../store/task-journal.ts';
import { hashFile, openRange, readRange } from './local-file.ts';
import { mimeTypeOf } from './mime-type.ts';
import { ProgressBatcher } from './progress-batcher.ts';
import { defaultRetryPolicy, retryDelayMs, type RetryPolicy } from './retry-policy.ts';
import { UploadError } from './upload-error.ts';

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
  http: Got;
  /** Throws UploadError when the account is unknown or unusable. */
  resolveAccount(accountId: string): ResolvedAccount;
  concurrency?: number;
  retryPolicy?: RetryPolicy;
  onTasksChanged(tasks: TaskView[]): void;
  onHistoryAdded(entry: HistoryEntryView): void;
  onTaskDone?(task: TaskRecord): void;
}

/** Live, in-memory facts about a running task that the journal does not need to hold. */
interface LiveTask {
  controller: AbortController;
  inFlightBytes: number;
  /** Highest value ever shown: progress never moves backwards, even when the server rewinds. */
  shownBytes: number;
}

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

/**
 * The provider-agnostic upload engine: journals every task before network I/O, runs at most
 * `concurrency` at once, drives the provider's steps with engine-owned retries, and turns success into
 * a history entry in the same transaction that completes the task.
 */
export class UploadEngine {
  readonly #options: UploadEngineOptions;
  readonly #concurrency: number;
  readonly #retryPolicy: RetryPolicy;
  readonly #queue: string[] = [];
  readonly #live = new Map<string, LiveTask>();
  readonly #running = new Set<Promise<void>>();
  readonly #batcher: ProgressBatcher;
  #closed = false;

  constructor(options: UploadEngineOptions) {
    this.#options = options;
    this.#concurrency = options.concurrency ?? 3;
    this.#retryPolicy = options.retryPolicy ?? defaultRetryPolicy;
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
   * folder, not a regular file) becomes a failed task with its own reason; the others go on.
   */
  async add(paths: readonly string[], accountId: string): Promise<string[]> {
    this.#options.resolveAccount(accountId); // refuse the whole call for an unknown account
    const tasks: NewTask[] = await Promise.all(
      paths.map(async (rawPath): Promise<NewTask> => {
        const path = resolve(rawPath);
        const base = { id: randomUUID(), accountId, path, name: basename(path) || path };
        try {
          const info = await stat(path);
          if (info.isDirectory()) {
            return {
              ...base,
              size: null,
              mtimeMs: null,
              state: 'failed',
              error: { code: 'folder-unsupported', message: 'Folders are not supported yet.' },
            };
          }
          if (!info.isFile()) {
            return {
              ...base,
              size: null,
              mtimeMs: null,
              state: 'failed',
              error: {
                code: 'file-unreadable',
                message: 'Not a regular file (a device, socket or pipe cannot be uploaded).',
              },
            };
          }
          return { ...base, size: info.size, mtimeMs: info.mtimeMs, state: 'queued', error: null };
        } catch (error) {
          const view = errorView(error);
          return {
            ...base,
            size: null,
            mtimeMs: null,
            state: 'failed',
            error: view.code === 'internal' ? { code: 'file-unreadable', message: view.message } : view,
          };
        }
      }),
    );
    this.#options.journal.add(tasks);
    for (const task of tasks) {
      this.#batcher.mark(task.id);
      if (task.state === 'queued') this.#queue.push(task.id);
    }
    this.#pump();
    return tasks.map((task) => task.id);
  }

  /** Re-queue what a previous run left unfinished; the provider session in the journal is reused. */
  resumeUnfinished(): void {
    for (const task of this.#options.journal.unfinished()) {
      if (!this.#queue.includes(task.id) && !this.#live.has(task.id)) this.#queue.push(task.id);
    }
    this.#pump();
  }

  list(): TaskView[] {
    return this.#options.journal.all().map((record) => this.#view(record));
  }

  /** Stop all work; unfinished tasks stay in the journal and resume on the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#queue.length = 0;
    for (const live of this.#live.values()) live.controller.abort();
    await Promise.allSettled([...this.#running]);
    this.#batcher.close();
  }

  /** Resolves when nothing is queued or running (for the CLI and tests). */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#queue.length > 0) {
      await Promise.allSettled([...this.#running]);
    }
    this.#batcher.flushNow();
  }

  #view(record: TaskRecord): TaskView {
    const live = this.#live.get(record.id);
    const transferred = live
      ? live.shownBytes
      : record.state === 'done'
        ? (record.size ?? 0)
        : record.committedBytes;
    return {
      id: record.id,
      accountId: record.accountId,
      path: record.path,
      name: record.name,
      size: record.size,
      state: record.state,
      transferredBytes: transferred,
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

  #showProgress(id: string, live: LiveTask, committedBytes: number, size: number): void {
    live.shownBytes = Math.min(size, Math.max(live.shownBytes, committedBytes + live.inFlightBytes));
    this.#batcher.mark(id);
  }

  async #run(id: string): Promise<void> {
    const { journal } = this.#options;
    const record = journal.get(id);
    if (!record || record.size === null || record.mtimeMs === null) return;
    const live: LiveTask = {
      controller: new AbortController(),
      inFlightBytes: 0,
      shownBytes: record.committedBytes,
    };
    this.#live.set(id, live);
    try {
      await this.#upload(record, live);
    } catch (error) {
      if (!(this.#closed && live.controller.signal.aborted)) {
        journal.fail(id, errorView(error));
      }
    } finally {
      this.#live.delete(id);
      this.#batcher.mark(id);
    }
  }

  async #upload(record: TaskRecord, live: LiveTask): Promise<void> {
    const { journal } = this.#options;
    const signal = live.controller.signal;
    const account = this.#options.resolveAccount(record.accountId);
    const size = record.size!;

    let { md5, sha256 } = record;
    if (md5 === null || sha256 === null) {
      journal.setState(record.id, 'hashing');
      this.#batcher.mark(record.id);
      await this.#assertUnchanged(record);
      const digests = await hashFile(record.path, signal);
      if (digests.bytes !== size)
        throw UploadError.of('file-changed', 'The file changed while it was being read.');
      ({ md5, sha256 } = digests);
      journal.saveHashes(record.id, md5, sha256);
    }

    const file: LocalFile = {
      path: record.path,
      name: record.name,
      size,
      mtimeMs: record.mtimeMs!,
      mimeType: mimeTypeOf(record.path),
      md5,
      sha256,
      openRange: (start, end) => openRange(record.path, start, end),
      readRange: (start, end) => readRange(record.path, start, end),
    };
    let committed = record.committedBytes;
    const ctx: StepContext<unknown> = {
      config: account.config,
      secrets: account.secrets,
      http: this.#options.http,
      signal,
      onBytesSent: (bytes) => {
        live.inFlightBytes = bytes;
        this.#showProgress(record.id, live, committed, size);
      },
    };

    journal.setState(record.id, 'uploading');
    this.#batcher.mark(record.id);
    let session: unknown;
    try {
      session = record.session === null ? null : account.provider.parseSession(record.session);
    } catch {
      session = null; // an unreadable journaled session restarts the upload rather than failing it
    }
    if (session === null) {
      session = await account.provider.startSession(ctx, file);
      committed = 0;
      journal.saveSession(record.id, session, committed);
    }

    let attempt = 0;
    for (;;) {
      await this.#assertUnchanged(record);
      attempt++;
      live.inFlightBytes = 0;
      try {
        const result = await account.provider.step(ctx, file, session);
        live.inFlightBytes = 0;
        if (result.kind === 'done') {
          this.#complete(record, account, file, result.result);
          return;
        }
        if (result.committedBytes > committed) attempt = 0; // progress earns a fresh set of attempts
        committed = result.committedBytes;
        session = result.session;
        journal.saveSession(record.id, session, committed);
        this.#showProgress(record.id, live, committed, size);
      } catch (error) {
        if (signal.aborted) throw error;
        if (!(error instanceof UploadError) || !error.retryable || attempt >= this.#retryPolicy.maxAttempts)
          throw error;
        await delay(retryDelayMs(this.#retryPolicy, attempt, error.retryAfterSeconds), undefined, { signal });
      }
    }
  }

  /** The file must still be the one the task was created for; a changed file would corrupt the upload. */
  async #assertUnchanged(record: TaskRecord): Promise<void> {
    const info = await stat(record.path);
    if (info.size !== record.size || info.mtimeMs !== record.mtimeMs) {
      throw UploadError.of(
        'file-changed',
        'The file was modified after it was added; add it again to upload the new version.',
      );
    }
  }

  #complete(
    record: TaskRecord,
    account: ResolvedAccount,
    file: LocalFile,
    result: { remoteId: string; links: HistoryEntryView['links'] },
  ): void {
    const entry: HistoryEntryView = {
      id: randomUUID(),
      accountId: account.id,
      providerId: account.providerId,
      name: file.name,
      size: file.size,
      mimeType: file.mimeType,
      sha256: file.sha256,
      remoteId: result.remoteId,
      links: result.links,
      createdAt: Date.now(),
    };
    this.#options.history.completeTask(this.#options.journal, record.id, entry);
    this.#options.onHistoryAdded(entry);
    this.#options.onTaskDone?.({ ...record, state: 'done', historyId: entry.id });
  }
}
