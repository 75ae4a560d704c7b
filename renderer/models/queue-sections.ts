import type { TaskView } from '../../shared/models.ts';
import type { LocalItem } from './local-item.ts';
import type { TaskMap } from './task-list.ts';

/**
 * What one drop, paste or pick handed to Ferry, in the order the files came. Each file has a slot: the
 * id of the row standing in for it (a staging or refused row) until its task exists, then the task's id.
 */
export interface Batch {
  id: string;
  createdAt: number;
  slots: readonly string[];
  /** Still being handed over: its tasks may exist before `uploads.add` has said which they are. */
  open: boolean;
}

export type QueueItem =
  | { kind: 'header'; key: string; section: QueueSection }
  | { kind: 'task'; key: string; taskId: string }
  | { kind: 'local'; key: string; item: LocalItem };

export interface QueueSection {
  id: string;
  createdAt: number;
  /** The rows of the section in input order: task ids and local rows. */
  keys: readonly string[];
}

/** Tasks created this close together, by no batch of this window (the local API, the CLI), are one group. */
const clusterGapMs = 2_000;
/** A task the main side stamped a little before the window's own clock said the drop began. */
const clockSlackMs = 1_000;

/**
 * The queue as the user reads it: newest batch first, right under the totals where the user is
 * looking; within a batch, the files in the order they were dropped. Tasks no batch of this window
 * knows (from before a reload, the local API, the CLI) are grouped by when they were created. While a
 * batch is open, tasks newer than it are held back rather than shown as strangers for a moment.
 */
export function queueSections(
  batches: readonly Batch[],
  order: readonly string[],
  tasks: TaskMap,
  localItems: readonly LocalItem[],
): QueueSection[] {
  const localIds = new Set(localItems.map((item) => item.id));
  const claimed = new Set<string>();
  const sections: QueueSection[] = [];
  for (const batch of batches) {
    const keys = batch.slots.filter((slot) => tasks[slot] !== undefined || localIds.has(slot));
    for (const slot of batch.slots) claimed.add(slot);
    if (keys.length > 0) sections.push({ id: batch.id, createdAt: batch.createdAt, keys });
  }
  const openSince = Math.min(
    ...batches.filter((batch) => batch.open).map((batch) => batch.createdAt - clockSlackMs),
  );
  const strangers = order
    .map((id) => tasks[id])
    .filter((task): task is TaskView => task !== undefined && !claimed.has(task.id))
    .filter((task) => task.createdAt < openSince);
  let group: { id: string; createdAt: number; keys: string[]; last: number } | undefined;
  for (const task of strangers) {
    if (group === undefined || task.createdAt - group.last > clusterGapMs) {
      group = { id: `group-${task.id}`, createdAt: task.createdAt, keys: [], last: task.createdAt };
      sections.push(group);
    }
    group.keys.push(task.id);
    group.last = Math.max(group.last, task.createdAt);
  }
  // Rows of this window the main side never saw (a refusal before uploads.add) belong to their batch;
  // any other local row (none today) would still be shown, last.
  const orphans = localItems.filter((item) => !claimed.has(item.id)).map((item) => item.id);
  if (orphans.length > 0) sections.push({ id: 'local', createdAt: -1, keys: orphans });
  return sections
    .map((section, index) => ({ section, index }))
    .sort((a, b) => b.section.createdAt - a.section.createdAt || a.index - b.index)
    .map(({ section }) => section);
}

/** The flat list the virtual list renders: each section's header, then its rows. */
export function queueItems(sections: readonly QueueSection[], localItems: readonly LocalItem[]): QueueItem[] {
  const locals = new Map(localItems.map((item) => [item.id, item]));
  return sections.flatMap((section) => [
    { kind: 'header', key: `header-${section.id}`, section } as const,
    ...section.keys.map((key): QueueItem => {
      const item = locals.get(key);
      return item === undefined ? { kind: 'task', key, taskId: key } : { kind: 'local', key, item };
    }),
  ]);
}

export interface SectionCounts {
  total: number;
  done: number;
  failed: number;
  handingOver: number;
}

export function sectionCounts(
  section: QueueSection,
  tasks: TaskMap,
  localItems: readonly LocalItem[],
): SectionCounts {
  const locals = new Map(localItems.map((item) => [item.id, item]));
  const counts: SectionCounts = { total: 0, done: 0, failed: 0, handingOver: 0 };
  for (const key of section.keys) {
    counts.total += 1;
    const task = tasks[key];
    const local = locals.get(key);
    if (task?.state === 'done') counts.done += 1;
    else if (task?.state === 'failed' || local?.state === 'failed') counts.failed += 1;
    else if (local?.state === 'staging') counts.handingOver += 1;
  }
  return counts;
}

/** The history ids of a set of rows that are done, in the rows' order: what "Copy all" copies. */
export function doneHistoryIds(keys: readonly string[], tasks: TaskMap): string[] {
  return keys.flatMap((key) => {
    const task = tasks[key];
    return task?.state === 'done' && task.historyId !== null ? [task.historyId] : [];
  });
}
