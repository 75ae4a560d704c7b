import type { TaskState, TaskView } from '../../shared/models.ts';

export type TaskMap = Readonly<Record<string, TaskView>>;

/** States in which a task can still change by itself or by a button; the rest are finished. */
export const activeStates: ReadonlySet<TaskState> = new Set(['queued', 'hashing', 'uploading', 'paused']);
export const finishedStates: ReadonlySet<TaskState> = new Set(['done', 'cancelled']);

/**
 * Merges changed tasks into the map by id. Events and the initial `uploads.list` can arrive in either order,
 * so an older snapshot never overwrites a newer one, and a task's transferred bytes never move backwards
 * (docs/engine.md#task-lifecycle: progress never moves backwards). Unchanged tasks keep their object, so
 * memoized rows do not re-render.
 */
export function mergeTasks(current: TaskMap, incoming: readonly TaskView[]): TaskMap {
  if (incoming.length === 0) return current;
  const next: Record<string, TaskView> = { ...current };
  for (const task of incoming) {
    const previous = next[task.id];
    if (previous === undefined) {
      next[task.id] = task;
      continue;
    }
    if (task.updatedAt < previous.updatedAt) continue;
    next[task.id] =
      task.transferredBytes < previous.transferredBytes
        ? { ...task, transferredBytes: previous.transferredBytes }
        : task;
  }
  return next;
}

/**
 * The display order: ids already shown keep their place, new ones are appended oldest first (the
 * order they were dropped in). Returns `order` itself when nothing is new, so selectors stay stable.
 */
export function extendOrder(
  order: readonly string[],
  tasks: TaskMap,
  incoming: readonly TaskView[],
): readonly string[] {
  const known = new Set(order);
  const added = incoming.filter((task) => !known.has(task.id) && tasks[task.id] !== undefined);
  if (added.length === 0) return order;
  const unique = [...new Map(added.map((task) => [task.id, tasks[task.id]!])).values()];
  // Stable: tasks added together (same millisecond) keep the order the main side listed them in.
  unique.sort((a, b) => a.createdAt - b.createdAt);
  return [...order, ...unique.map((task) => task.id)];
}

export interface BatchTotals {
  /** Tasks, and files still being handed over to Ferry (they are files the user dropped too). */
  total: number;
  handingOver: number;
  done: number;
  failed: number;
  cancelled: number;
  active: number;
  paused: number;
  transferredBytes: number;
  /** Sum of known sizes; files not yet stat'ed count as 0. */
  totalBytes: number;
  bytesPerSecond: number;
}

/**
 * Totals over the shown tasks and the files still being handed over (`handingOver`: the staging rows
 * of a big drop, which have no task yet); cancelled files leave the byte counts, since they will never
 * be sent.
 */
export function batchTotals(taskIds: readonly string[], tasks: TaskMap, handingOver = 0): BatchTotals {
  const totals: BatchTotals = {
    total: handingOver,
    handingOver,
    done: 0,
    failed: 0,
    cancelled: 0,
    active: 0,
    paused: 0,
    transferredBytes: 0,
    totalBytes: 0,
    bytesPerSecond: 0,
  };
  for (const id of taskIds) {
    const task = tasks[id];
    if (task === undefined) continue;
    totals.total += 1;
    if (task.state === 'done') totals.done += 1;
    else if (task.state === 'failed') totals.failed += 1;
    else if (task.state === 'cancelled') totals.cancelled += 1;
    else if (task.state === 'paused') totals.paused += 1;
    else totals.active += 1;
    if (task.state === 'cancelled') continue;
    totals.totalBytes += task.size ?? 0;
    totals.transferredBytes += Math.min(task.transferredBytes, task.size ?? task.transferredBytes);
    if (task.state === 'uploading') totals.bytesPerSecond += task.bytesPerSecond ?? 0;
  }
  return totals;
}
