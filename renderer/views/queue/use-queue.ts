import { useMemo } from 'react';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { doneHistoryIds, queueSections, type QueueSection } from '../../models/queue-sections.ts';
import { useAppState, useAppStore } from '../../state/app-context.tsx';

/**
 * The queue's sections (newest batch first), recomputed when rows or batches change or a task changes
 * state, not on progress: sections need the tasks' ids, creation times and states only.
 */
export function useQueueSections(): QueueSection[] {
  const store = useAppStore();
  const batches = useAppState((state) => state.batches);
  const order = useAppState((state) => state.taskOrder);
  const version = useAppState((state) => state.taskStatesVersion);
  const localItems = useAppState((state) => state.localItems);
  return useMemo(
    () => queueSections(batches, order, store.getState().tasks, localItems),
    // `version` stands for the tasks: it moves whenever what is read from them here does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store, batches, order, version, localItems],
  );
}

/** The history entries of the finished rows among `keys`, in their order: what "Copy all" copies. */
export function useDoneEntries(keys: readonly string[]): HistoryEntryView[] {
  const store = useAppStore();
  const version = useAppState((state) => state.taskStatesVersion);
  const entries = useAppState((state) => state.entries);
  return useMemo(
    () =>
      doneHistoryIds(keys, store.getState().tasks).flatMap((id) =>
        entries[id] === undefined ? [] : [entries[id]],
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [store, keys, version, entries],
  );
}

/** The default copy format from the settings. */
export function useLinkFormat(): string {
  return useAppState((state) => state.settings?.linkFormat ?? 'url');
}
