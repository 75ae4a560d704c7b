import type { LocalItem } from './local-item.ts';
import type { Batch } from './queue-sections.ts';
import type { TaskMap } from './task-list.ts';

export interface BatchOutcome {
  batchId: string;
  total: number;
  done: number;
  failed: number;
}

/**
 * How a batch ended, once every file in it has: done, failed, cancelled, or refused before it was handed
 * over. Null while anything is still on its way (staging, queued, uploading, paused) or its task has
 * not been seen yet.
 */
export function batchOutcome(
  batch: Batch,
  tasks: TaskMap,
  localItems: ReadonlyMap<string, LocalItem>,
): BatchOutcome | null {
  if (batch.open) return null;
  const outcome: BatchOutcome = { batchId: batch.id, total: batch.slots.length, done: 0, failed: 0 };
  for (const slot of batch.slots) {
    const task = tasks[slot];
    const local = localItems.get(slot);
    if (task?.state === 'done') outcome.done += 1;
    else if (task?.state === 'failed' || local?.state === 'failed') outcome.failed += 1;
    else if (task?.state !== 'cancelled') return null;
  }
  return outcome;
}
