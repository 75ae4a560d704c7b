import { useMemo } from 'react';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { doneHistoryIds, queueSections, type QueueSection } from '../../models/queue-sections.ts';
import { useAppState } from '../../state/app-context.tsx';

/** The queue's sections (newest batch first), recomputed when tasks, rows or batches change. */
export function useQueueSections(): QueueSection[] {
  const batches = useAppState((state) => state.batches);
  const order = useAppState((state) => state.taskOrder);
  const tasks = useAppState((state) => state.tasks);
  const localItems = useAppState((state) => state.localItems);
  return useMemo(() => queueSections(batches, order, tasks, localItems), [batches, order, tasks, localItems]);
}

/** The history entries of the finished rows among `keys`, in their order: what "Copy all" copies. */
export function useDoneEntries(keys: readonly string[]): HistoryEntryView[] {
  const tasks = useAppState((state) => state.tasks);
  const entries = useAppState((state) => state.entries);
  return useMemo(
    () => doneHistoryIds(keys, tasks).flatMap((id) => (entries[id] === undefined ? [] : [entries[id]])),
    [keys, tasks, entries],
  );
}

/** The default copy format from the settings. */
export function useLinkFormat(): string {
  return useAppState((state) => state.settings?.linkFormat ?? 'url');
}
