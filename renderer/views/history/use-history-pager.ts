import { useCallback, useEffect, useRef, useState } from 'react';
import type { FerryApi } from '../../../shared/contract.ts';
import { describeError, toErrorView } from '../../models/error-message.ts';
import {
  addLive,
  appendPage,
  emptyPager,
  removeEntries,
  resetPager,
  showPending,
  updateEntry,
  type HistoryFilter,
  type HistoryPagerState,
} from './history-model.ts';

export const historyPageSize = 100;

export interface HistoryPager {
  state: HistoryPagerState;
  loading: boolean;
  error: string | null;
  loadMore(): void;
  /** Tells the pager whether the user is at the top, where new uploads may appear without moving rows. */
  setAtTop(atTop: boolean): void;
  showPending(): void;
  retry(): void;
}

/**
 * The history as `history.list` pages it for one filter, kept live by the history events. The list is
 * local to the view: it can grow to the whole history, which the app-wide store has no need to hold.
 */
export function useHistoryPager(api: FerryApi, filter: HistoryFilter, connection: string): HistoryPager {
  const [state, setState] = useState<HistoryPagerState>(emptyPager);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Read by callbacks that must not be re-created on every page (the scroll handler calls loadMore).
  const stateRef = useRef(state);
  const filterRef = useRef(filter);
  const loadingRef = useRef(false);
  const atTopRef = useRef(true);

  const commit = useCallback((update: (current: HistoryPagerState) => HistoryPagerState) => {
    const next = update(stateRef.current);
    if (next === stateRef.current) return;
    stateRef.current = next;
    setState(next);
  }, []);

  const fetchPage = useCallback(
    async (generation: number, cursor: string | undefined) => {
      loadingRef.current = true;
      setLoading(true);
      try {
        const page = await api.invoke('history.list', {
          ...filterRef.current,
          ...(cursor === undefined ? {} : { cursor }),
          limit: historyPageSize,
        });
        commit((current) => appendPage(current, generation, page));
        if (generation === stateRef.current.generation) setError(null);
      } catch (failure) {
        if (generation === stateRef.current.generation) setError(describeError(toErrorView(failure)));
      } finally {
        // A newer filter's first page may have started meanwhile; only the current generation's request clears the flag.
        if (generation === stateRef.current.generation) {
          loadingRef.current = false;
          setLoading(false);
        }
      }
    },
    [api, commit],
  );

  // A new filter starts a fresh list (and a new generation, so late pages of the old one are dropped).
  // Events sent while the web shell's socket was down are lost, so a reconnect starts afresh too.
  const filterKey = JSON.stringify(filter);
  const online = connection === 'open';
  useEffect(() => {
    if (!online) return;
    filterRef.current = JSON.parse(filterKey) as HistoryFilter;
    const next = resetPager(stateRef.current);
    stateRef.current = next;
    setState(next);
    void fetchPage(next.generation, undefined);
  }, [filterKey, fetchPage, online]);

  useEffect(
    () =>
      api.subscribe((event) => {
        switch (event.name) {
          case 'history.added':
            commit((current) => addLive(current, event.payload.entry, filterRef.current, atTopRef.current));
            break;
          case 'history.updated':
            commit((current) => updateEntry(current, event.payload.entry));
            break;
          case 'history.removed':
            commit((current) => removeEntries(current, event.payload.ids));
            break;
        }
      }),
    [api, commit],
  );

  const loadMore = useCallback(() => {
    const current = stateRef.current;
    if (loadingRef.current || !current.loaded || current.cursor === null) return;
    void fetchPage(current.generation, current.cursor);
  }, [fetchPage]);

  const setAtTop = useCallback(
    (atTop: boolean) => {
      atTopRef.current = atTop;
      if (atTop) commit(showPending);
    },
    [commit],
  );

  const retry = useCallback(() => {
    const current = stateRef.current;
    if (loadingRef.current) return;
    if (!current.loaded) void fetchPage(current.generation, undefined);
    else if (current.cursor !== null) void fetchPage(current.generation, current.cursor);
  }, [fetchPage]);

  return {
    state,
    loading,
    error,
    loadMore,
    setAtTop,
    showPending: useCallback(() => commit(showPending), [commit]),
    retry,
  };
}
