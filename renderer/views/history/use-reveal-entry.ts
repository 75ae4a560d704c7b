import { useEffect, useRef } from 'react';
import { useAppState } from '../../state/app-context.tsx';
import { revealStep } from './history-model.ts';
import type { HistoryPager } from './use-history-pager.ts';

/**
 * Takes the store's request to show a history entry (a click on an "uploaded" notification) one step
 * at a time until the entry is in the list, then hands it to `onFound` and clears the request: new
 * uploads held back are shown, filters that hide it are cleared, later pages are loaded. An entry that
 * is nowhere (deleted meanwhile) ends the request too.
 */
export function useRevealEntry(options: {
  pager: HistoryPager;
  /** Whether the list is filtered (a search or filter applied). */
  filtered: boolean;
  clearFilters: () => void;
  onFound: (id: string) => void;
}): void {
  const { pager, filtered, clearFilters, onFound } = options;
  const request = useAppState((state) => state.historyRevealRequest);
  const revealHistoryEntry = useAppState((state) => state.revealHistoryEntry);
  const { state, loading, showPending, loadMore } = pager;
  // The generation of a filtered list whose filters were just cleared: until the pager starts the
  // unfiltered one, the entry is missing from it but not gone.
  const replaced = useRef<number | null>(null);

  useEffect(() => {
    if (request === null || replaced.current === state.generation) return;
    switch (revealStep(state, request, { filtered, loading })) {
      case 'found':
        onFound(request);
        revealHistoryEntry(null);
        break;
      case 'show-pending':
        showPending();
        break;
      case 'clear-filters':
        replaced.current = state.generation;
        clearFilters();
        break;
      case 'load-more':
        loadMore();
        break;
      case 'gone':
        revealHistoryEntry(null);
        break;
      case 'wait':
        break;
    }
  }, [request, state, filtered, loading, onFound, revealHistoryEntry, showPending, clearFilters, loadMore]);
}
