import type { TaskState, TaskView } from '../../shared/models.ts';

export type TaskMap = Readonly<Record<string, TaskView>>;

/** States a task is still in the queue for; `done` tasks live on as history entries. */
const queueStates: ReadonlySet<TaskState> = new Set(['queued', 'hashing', 'uploading', 'failed']);

/**
 * Merges changed tasks into the map by id. Events and the initial `uploads.list` can arrive in either
 * order, so an older snapshot never overwrites a newer one, and a task's transferred bytes never move
 * backwards (DESIGN.md: "Progress never goes backwards in the UI").
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

/** Tasks still in the queue, oldest first: the order they were dropped in. */
export function queuedTasks(tasks: TaskMap): TaskView[] {
  return Object.values(tasks)
    .filter((task) => queueStates.has(task.state))
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}
