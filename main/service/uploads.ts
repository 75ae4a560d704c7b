import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Got } from 'got';
import { maxStagedBytes, type FerryEvent } from '../../shared/contract.ts';
import type { ProcessingSettings } from '../../shared/processing.ts';
import type { TaskView } from '../../shared/models.ts';
import { CommandError, type CommandHandlers } from '../contract-dispatch.ts';
import type { RetryPolicy } from '../engine/retry-policy.ts';
import { UploadEngine, type ResolvedAccount } from '../engine/upload-engine.ts';
import type { TaskPlan } from '../store/task-journal.ts';
import { UploadError } from '../net/upload-error.ts';
import type { FerryLogger } from '../log/logger.ts';
import type { HistoryStore } from '../store/history-store.ts';
import type { TaskJournal } from '../store/task-journal.ts';
import { isInside, safeFileName } from '../file-names.ts';
import type { HistoryLibrary } from './history-library.ts';
import type { PathPolicy } from './path-grants.ts';

/** Per drop: `process: false` sends files as they are, `force` uploads again bytes sent before, `processing` overrides. */
export interface DropOptions {
  process?: boolean | undefined;
  force?: boolean | undefined;
  processing?: Partial<ProcessingSettings> | undefined;
}

/**
 * The folder where bytes that are not a file of the user's become one to upload: pasted data, and
 * files dropped into a browser (the web shell writes those). Each copy goes after its upload.
 */
export class StagingArea {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  /** Whether a path is a staged copy rather than the user's own file. */
  holds(path: string): boolean {
    return isInside(this.dir, path);
  }

  /** Like the web shell's staging PUT: its own folder, a cleaned name. Returns the file's path. */
  async stage(name: string, bytes: Buffer): Promise<string> {
    const folder = join(this.dir, randomUUID());
    await mkdir(folder, { recursive: true });
    const path = join(folder, safeFileName(name));
    await writeFile(path, bytes, { flag: 'wx' });
    return path;
  }

  /** Remove a staged copy (with its folder); the user's own files are never touched. */
  discard(path: string): void {
    if (this.holds(path)) void rm(dirname(path), { recursive: true, force: true });
  }
}

export interface UploadsOptions {
  journal: TaskJournal;
  history: HistoryStore;
  /** The HTTP client, loaded for the first request (see UploadEngineOptions.http). */
  http(): Promise<Got>;
  /** Rejects with UploadError when the account is unknown or unusable. */
  resolveAccount(accountId: string): Promise<ResolvedAccount>;
  concurrency: number;
  retryPolicy?: RetryPolicy | undefined;
  stallTimeoutMs?: number | undefined;
  staging: StagingArea;
  /** Which paths `uploads.add` takes: those Ferry was handed (see path-grants.ts). */
  paths: PathPolicy;
  /** Makes each finished image's thumbnail (and counts uploads for the backups). */
  library: Pick<HistoryLibrary, 'uploaded'>;
  logger: FerryLogger;
  emit(event: FerryEvent): void;
  /** What a drop to an account does before it is sent; see accounts + settings. */
  planFor?(accountId: string, request: DropOptions): TaskPlan | null;
  /** Where processed copies are staged until their task ends. */
  processedDir?: string;
}

type UploadHandlers = Pick<
  CommandHandlers,
  | 'uploads.add'
  | 'uploads.stage'
  | 'uploads.list'
  | 'uploads.pause'
  | 'uploads.resume'
  | 'uploads.cancel'
  | 'uploads.retry'
  | 'uploads.pauseAll'
  | 'uploads.resumeAll'
>;

/**
 * The upload queue: the engine, its `uploads.*` commands, pasted bytes staged as files, and what is
 * logged and emitted as tasks change and finish.
 */
export class Uploads {
  readonly handlers: UploadHandlers;
  readonly #engine: UploadEngine;
  readonly #options: UploadsOptions;
  /** Failed tasks already logged, with the update they were logged at: one line per failure. */
  readonly #loggedFailures = new Map<string, number>();

  constructor(options: UploadsOptions) {
    this.#options = options;
    const { journal, history, http, resolveAccount, retryPolicy, stallTimeoutMs } = options;
    const engine = new UploadEngine({
      journal,
      history,
      http,
      resolveAccount,
      concurrency: options.concurrency,
      ...(retryPolicy ? { retryPolicy } : {}),
      ...(stallTimeoutMs ? { stallTimeoutMs } : {}),
      ...(options.processedDir ? { processedDir: options.processedDir } : {}),
      onTasksChanged: (tasks) => this.#tasksChanged(tasks),
      onHistoryAdded: (entry) => {
        options.logger.info('upload finished', {
          historyId: entry.id,
          accountId: entry.accountId,
          providerId: entry.providerId,
          name: entry.name,
          size: entry.size,
          remoteId: entry.remoteId,
        });
        options.emit({ name: 'history.added', payload: { entry } });
      },
      onTaskDone: (task, entry) => {
        // Bytes staged by the web shell were a copy made for this upload; the history keeps the links.
        // They go once the thumbnail (which reads them) is made.
        options.library.uploaded(entry, task.path, () => options.staging.discard(task.path));
      },
    });
    this.#engine = engine;

    this.handlers = {
      'uploads.add': this.addFrom(options.paths),
      'uploads.stage': async ({ name, bytesBase64 }) => ({
        path: await options.staging.stage(name, decodePasted(bytesBase64)),
      }),
      'uploads.list': async () => engine.list().filter((task) => task.state !== 'done'),
      'uploads.pause': async ({ taskIds }) => ({ taskIds: engine.pause(taskIds) }),
      'uploads.resume': async ({ taskIds }) => ({ taskIds: engine.resume(taskIds) }),
      'uploads.cancel': async ({ taskIds }) => ({ taskIds: await engine.cancel(taskIds) }),
      'uploads.retry': async ({ taskIds }) => ({ taskIds: await engine.retry(taskIds) }),
      'uploads.pauseAll': async () => ({ taskIds: engine.pauseAll() }),
      'uploads.resumeAll': async () => ({ taskIds: engine.resumeAll() }),
    };
  }

  /** `uploads.add` for a door with its own rule for the paths it may name (the local API's). */
  addFrom(policy: PathPolicy): UploadHandlers['uploads.add'] {
    return async ({ paths, accountId, process, force, processing }) => {
      await policy.admit(paths);
      try {
        const plan = this.#options.planFor?.(accountId, { process, force, processing }) ?? null;
        return { taskIds: await this.#engine.add(paths, accountId, plan) };
      } catch (error) {
        if (error instanceof UploadError) throw new CommandError(error.view);
        throw error;
      }
    };
  }

  /** Every task in the journal, finished ones included. */
  tasks(): TaskView[] {
    return this.#engine.list();
  }

  setConcurrency(concurrency: number): void {
    this.#engine.setConcurrency(concurrency);
  }

  /** Queue again what was unfinished when Ferry last stopped. */
  resumeUnfinished(): void {
    this.#engine.resumeUnfinished();
  }

  /** Resolves when no upload is queued or running. */
  idle(): Promise<void> {
    return this.#engine.idle();
  }

  close(): Promise<void> {
    return this.#engine.close();
  }

  #tasksChanged(tasks: TaskView[]): void {
    for (const task of tasks) {
      // One line per failure (a task is reported again while other tasks progress).
      if (task.state !== 'failed' || this.#loggedFailures.get(task.id) === task.updatedAt) continue;
      this.#loggedFailures.set(task.id, task.updatedAt);
      this.#options.logger.warn('upload failed', {
        taskId: task.id,
        accountId: task.accountId,
        name: task.name,
        size: task.size,
        error: task.error,
      });
    }
    this.#options.emit({ name: 'tasks.changed', payload: { tasks } });
  }
}

/** Pasted bytes, checked: the schema bounds the text; the decoded size is checked again (padding and stray characters). */
function decodePasted(bytesBase64: string): Buffer {
  const bytes = Buffer.from(bytesBase64, 'base64');
  if (bytes.length === 0) {
    throw new CommandError({ code: 'invalid-request', message: 'Nothing was pasted.' });
  }
  if (bytes.length > maxStagedBytes) {
    throw new CommandError({
      code: 'file-too-large',
      message: `Pasted data can be at most ${maxStagedBytes / 1024 / 1024} MiB; this is ${bytes.length} bytes.`,
    });
  }
  return bytes;
}
