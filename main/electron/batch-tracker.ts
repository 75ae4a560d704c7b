import type { HistoryEntryView, TaskState, TaskView } from '../../shared/models.ts';

// Plain logic, no Electron: what the tray, the taskbar, the power blocker and the notifications show
// is derived here from the service's `tasks.changed` and `history.added` events.

const runningStates: ReadonlySet<TaskState> = new Set(['queued', 'hashing', 'uploading']);
const finishedStates: ReadonlySet<TaskState> = new Set(['done', 'failed', 'cancelled']);

export const isRunning = (task: TaskView): boolean => runningStates.has(task.state);
const isFinished = (task: TaskView): boolean => finishedStates.has(task.state);

/** What is going on right now, for the tray tooltip, the taskbar progress and the power blocker. */
export interface ActivitySnapshot {
  /** Tasks queued, hashing or uploading. */
  active: number;
  paused: number;
  /** Bytes sent over bytes to send across the current batch, 0..1; null when no size is known yet. */
  fraction: number | null;
}

export interface BatchFailure {
  name: string;
  message: string;
}

/** A batch that just finished: what its notification says. */
export interface BatchSummary {
  uploaded: number;
  failed: number;
  cancelled: number;
  /** In the order the tasks were first seen. */
  failures: BatchFailure[];
  /** The first finished upload whose history entry was announced (for its link); null if none was. */
  firstEntry: HistoryEntryView | null;
  /** Every finished upload's announced entry, in the order the tasks were first seen (input order). */
  entries: HistoryEntryView[];
}

/** Bounds on what is remembered, so a session that runs for weeks does not grow without end. */
const maxRememberedEntries = 1000;
const maxRememberedFinished = 10_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}

/**
 * Groups uploads into batches: a batch is every task seen running (or finishing) since the queue was
 * last idle, so files added together, or added while others were still going, are announced once.
 * The batch ends when nothing is queued, hashing or uploading any more. Paused tasks do not hold a
 * batch open (a paused file could wait for days); they join the batch that runs when they resume.
 */
export class BatchTracker {
  /** Every task not finished (running or paused), across batches: counts for the tooltip. */
  readonly #live = new Map<string, TaskView>();
  /** The current batch's tasks, latest view each, in the order first seen. */
  readonly #batch = new Map<string, TaskView>();
  /** Entries announced by `history.added`, by id: the first link comes from here. */
  readonly #entries = new Map<string, HistoryEntryView>();
  /**
   * Finished views already counted, by task id → updatedAt: the engine may report a finished task
   * again in a later `tasks.changed`, which must not count it twice.
   */
  readonly #counted = new Map<string, number>();

  /** Take one `tasks.changed` payload; returns the batch summary when this update finished a batch. */
  applyTasks(tasks: readonly TaskView[]): BatchSummary | null {
    for (const task of tasks) {
      // A view older than the one known (the start-up list racing the first events) changes nothing.
      const known = this.#live.get(task.id) ?? this.#batch.get(task.id);
      if (known !== undefined && known.updatedAt > task.updatedAt) continue;
      if (isFinished(task)) {
        this.#live.delete(task.id);
        if (this.#counted.get(task.id) === task.updatedAt) continue;
        remember(this.#counted, task.id, task.updatedAt, maxRememberedFinished);
        // A finished task joins the batch even if it was never seen running: a small file can be
        // queued and done between two of the engine's flushes, a missing file fails on add.
        this.#batch.set(task.id, task);
        continue;
      }
      this.#live.set(task.id, task);
      this.#counted.delete(task.id); // a retried task may finish again
      if (isRunning(task) || this.#batch.has(task.id)) this.#batch.set(task.id, task);
    }
    return this.#settle();
  }

  /** Take one `history.added` entry. */
  addEntry(entry: HistoryEntryView): void {
    remember(this.#entries, entry.id, entry, maxRememberedEntries);
  }

  snapshot(): ActivitySnapshot {
    let active = 0;
    let paused = 0;
    for (const task of this.#live.values()) {
      if (isRunning(task)) active++;
      else if (task.state === 'paused') paused++;
    }
    let sent = 0;
    let total = 0;
    for (const task of this.#batch.values()) {
      // Failed and cancelled files will not be sent: counting them would stall the bar short of 100%.
      if (task.size === null || task.state === 'failed' || task.state === 'cancelled') continue;
      total += task.size;
      sent += task.state === 'done' ? task.size : Math.min(task.transferredBytes, task.size);
    }
    return { active, paused, fraction: total > 0 ? sent / total : null };
  }

  #settle(): BatchSummary | null {
    if (this.#batch.size === 0) return null;
    for (const task of this.#live.values()) if (isRunning(task)) return null;
    const summary: BatchSummary = {
      uploaded: 0,
      failed: 0,
      cancelled: 0,
      failures: [],
      firstEntry: null,
      entries: [],
    };
    for (const task of this.#batch.values()) {
      if (task.state === 'done') {
        summary.uploaded++;
        const entry = task.historyId === null ? undefined : this.#entries.get(task.historyId);
        if (entry !== undefined) summary.entries.push(entry);
        if (summary.firstEntry === null && entry !== undefined) summary.firstEntry = entry;
      } else if (task.state === 'failed') {
        summary.failed++;
        summary.failures.push({ name: task.name, message: task.error?.message ?? 'Unknown error.' });
      } else if (task.state === 'cancelled') {
        summary.cancelled++;
      }
    }
    this.#batch.clear();
    this.#entries.clear();
    return summary;
  }
}
