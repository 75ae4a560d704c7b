import type { CommandResponse } from '../../shared/contract.ts';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import type { FerryService } from '../service.ts';
import { isTerminal, toFileResult, type FileResult } from './format.ts';

export interface TaskWatcherCallbacks {
  /** Latest views of the watched tasks that are not finished yet, whenever any of them changed. */
  onProgress?(tasks: TaskView[]): void;
  onFinished(result: FileResult): void;
}

/**
 * Follows a set of tasks to their end through the service's events. It subscribes on construction, so
 * create it before `uploads.add`: a history entry announced before the caller knows its task's id is
 * still caught. A slow poll of `uploads.list` backs the events up, so a missed event costs a second,
 * never a hang.
 */
export class TaskWatcher {
  readonly #service: FerryService;
  readonly #callbacks: TaskWatcherCallbacks;
  readonly #unsubscribe: () => void;
  readonly #latest = new Map<string, TaskView>();
  readonly #entries = new Map<string, HistoryEntryView>();
  readonly #order: string[] = [];
  readonly #finishing = new Set<string>();
  readonly #results = new Map<string, FileResult>();
  readonly #resumeAsked = new Set<string>();
  #settle: (() => void) | undefined;

  constructor(service: FerryService, callbacks: TaskWatcherCallbacks) {
    this.#service = service;
    this.#callbacks = callbacks;
    this.#unsubscribe = service.subscribe((event) => {
      if (event.name === 'history.added') {
        this.#entries.set(event.payload.entry.id, event.payload.entry);
        return;
      }
      if (event.name !== 'tasks.changed') return;
      let watchedChanged = false;
      for (const task of event.payload.tasks) {
        // Kept for every task: one the caller starts watching a moment later may have changed already.
        this.#latest.set(task.id, task);
        if (!this.#order.includes(task.id)) continue;
        watchedChanged = true;
        if (isTerminal(task)) void this.#finish(task);
      }
      if (watchedChanged) this.#progress();
    });
  }

  /** Watch these tasks (duplicates ignored) until each is done, failed or cancelled; results in this order. */
  async wait(taskIds: readonly string[], signal?: AbortSignal): Promise<FileResult[]> {
    for (const id of taskIds) if (!this.#order.includes(id)) this.#order.push(id);
    const finished = new Promise<void>((resolveFinished) => {
      this.#settle = resolveFinished;
    });
    const aborted = new Promise<void>((resolveAborted) => {
      if (signal?.aborted) resolveAborted();
      signal?.addEventListener('abort', () => resolveAborted(), { once: true });
    });
    await this.#poll();
    this.#checkSettled();
    while (!this.#allFinished() && !signal?.aborted) {
      await Promise.race([finished, aborted, new Promise((r) => setTimeout(r, 1000))]);
      if (this.#allFinished() || signal?.aborted) break;
      await this.#poll();
    }
    return this.#order.flatMap((id) => {
      const result = this.#results.get(id);
      return result ? [result] : [];
    });
  }

  /** Ids of watched tasks that have not finished (after an interruption). */
  unfinished(): string[] {
    return this.#order.filter((id) => !this.#results.has(id));
  }

  close(): void {
    this.#unsubscribe();
  }

  #allFinished(): boolean {
    return this.#order.every((id) => this.#results.has(id));
  }

  #checkSettled(): void {
    if (this.#allFinished()) this.#settle?.();
  }

  #progress(): void {
    const pending = this.#order.flatMap((id) => {
      const task = this.#latest.get(id);
      return task && !this.#results.has(id) ? [task] : [];
    });
    this.#callbacks.onProgress?.(pending);
  }

  async #poll(): Promise<void> {
    const listed = (await this.#service.dispatch('uploads.list', {})) as CommandResponse<'uploads.list'>;
    const byId = new Map(listed.map((task) => [task.id, task]));
    const paused: string[] = [];
    for (const id of this.#order) {
      if (this.#results.has(id)) continue;
      const task = byId.get(id);
      if (task) {
        this.#latest.set(id, task);
        if (isTerminal(task)) void this.#finish(task);
        // A file asked for again while an earlier, paused task held it: asking again means go on.
        else if (task.state === 'paused' && !this.#resumeAsked.has(id)) paused.push(id);
      } else {
        // uploads.list leaves done tasks out: gone from it means done, its event missed.
        const last = this.#latest.get(id);
        if (last) void this.#finish({ ...last, state: 'done', transferredBytes: last.size ?? 0 });
      }
    }
    if (paused.length > 0) {
      for (const id of paused) this.#resumeAsked.add(id);
      await this.#service.dispatch('uploads.resume', { taskIds: paused });
    }
    this.#progress();
  }

  async #finish(task: TaskView): Promise<void> {
    if (this.#results.has(task.id) || this.#finishing.has(task.id)) return;
    this.#finishing.add(task.id);
    let entry = task.historyId === null ? undefined : this.#entries.get(task.historyId);
    if (task.state === 'done' && entry === undefined) entry = await this.#findEntry(task);
    const result = toFileResult(task, entry);
    this.#results.set(task.id, result);
    this.#finishing.delete(task.id);
    this.#callbacks.onFinished(result);
    this.#progress();
    this.#checkSettled();
  }

  /** Fallback when the history.added event was missed: the newest entry of that name on that account. */
  async #findEntry(task: TaskView): Promise<HistoryEntryView | undefined> {
    const page = (await this.#service.dispatch('history.list', {
      search: task.name,
      limit: 50,
    })) as CommandResponse<'history.list'>;
    return (
      page.entries.find((entry) => entry.id === task.historyId) ??
      page.entries.find((entry) => entry.name === task.name && entry.accountId === task.accountId)
    );
  }
}
