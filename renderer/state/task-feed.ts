import type { StoreApi } from 'zustand/vanilla';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import type { LocalItem } from '../models/local-item.ts';
import type { AppStore } from './app-store.ts';

/**
 * Task events and local rows, gathered and applied together: 2,000 files reporting progress cost one
 * store update (and one render) per flush, not one per event.
 */
export interface TaskFeed {
  tasks(tasks: readonly TaskView[]): void;
  /** History entries (added or updated), gathered too: one copy of the entry map per flush, not per file. */
  entries(entries: readonly HistoryEntryView[]): void;
  local(item: LocalItem): void;
  /**
   * The task that now stands for a batch's file: at the next flush that finds the task in the store,
   * the file's slot takes the task's id and its staging row (if any) goes, so no row flickers away
   * before its replacement is there.
   */
  claim(taskId: string, slot: string): void;
  /** Apply what is pending now (a listing arrived, a test wants it done). */
  flush(): void;
  dispose(): void;
}

export function createTaskFeed(store: StoreApi<AppStore>, flushDelayMs: number): TaskFeed {
  let pendingTasks: TaskView[] = [];
  let pendingEntries: HistoryEntryView[] = [];
  let pendingLocal: LocalItem[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Task id → the slot (and staging row id) it takes over once its first event is in. */
  const slotOfTask = new Map<string, string>();

  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    const tasks = pendingTasks;
    const entries = pendingEntries;
    const local = pendingLocal;
    pendingTasks = [];
    pendingEntries = [];
    pendingLocal = [];
    // Entries first: a task that turns done this flush finds its link.
    if (entries.length > 0) store.getState().addEntries(entries);
    // Tasks first: a staging row goes only once its task row can take its place.
    store.getState().applyTasks(tasks);
    const known = store.getState().tasks;
    const removals = new Set<string>();
    const taskOfSlot = new Map<string, string>();
    for (const [taskId, slot] of slotOfTask) {
      if (known[taskId] === undefined) continue;
      removals.add(slot);
      taskOfSlot.set(slot, taskId);
      slotOfTask.delete(taskId);
    }
    store.getState().assignSlots(taskOfSlot);
    store.getState().applyLocalChanges(local, removals);
  };
  const schedule = (): void => {
    if (flushDelayMs === 0) flush();
    else timer ??= setTimeout(flush, flushDelayMs);
  };

  return {
    tasks: (tasks) => {
      pendingTasks.push(...tasks);
      schedule();
    },
    entries: (entries) => {
      pendingEntries.push(...entries);
      schedule();
    },
    local: (item) => {
      pendingLocal.push(item);
      schedule();
    },
    claim: (taskId, slot) => {
      slotOfTask.set(taskId, slot);
      schedule();
    },
    flush,
    dispose: () => clearTimeout(timer),
  };
}
