import type { CommandRequest } from '../../../shared/contract.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';

export type MediaType = 'image' | 'video' | 'audio' | 'other';
export const mediaTypes: readonly MediaType[] = ['image', 'video', 'audio', 'other'];

/** What the filter bar asks `history.list` for; the cursor and limit are the pager's business. */
export type HistoryFilter = Omit<CommandRequest<'history.list'>, 'cursor' | 'limit'>;

/** The MIME type's top-level part, as the main side's `media_kind` column derives it. */
export function mediaTypeOf(mimeType: string): MediaType {
  const top = mimeType.toLowerCase().split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'other';
}

/**
 * Whether a live entry (history.added) belongs in the list the user is looking at. The main side's
 * full-text search decides for pages; this is the close approximation for one new entry (every term a
 * case-insensitive substring of the name, the remote id or a link).
 */
export function matchesFilter(entry: HistoryEntryView, filter: HistoryFilter): boolean {
  if (filter.accountId !== undefined && entry.accountId !== filter.accountId) return false;
  if (filter.providerId !== undefined && entry.providerId !== filter.providerId) return false;
  if (filter.type !== undefined && mediaTypeOf(entry.mimeType) !== filter.type) return false;
  if (filter.from !== undefined && entry.createdAt < filter.from) return false;
  if (filter.to !== undefined && entry.createdAt >= filter.to) return false;
  const terms = (filter.search ?? '').toLowerCase().split(/\s+/u).filter(Boolean);
  if (terms.length === 0) return true;
  const haystack = [entry.name, entry.remoteId, ...entry.links.map((link) => link.url)]
    .join('\n')
    .toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

export interface HistoryPagerState {
  /** Newest first, unique by id. */
  entries: readonly HistoryEntryView[];
  /** New uploads held back while the user is scrolled away from the top, so rows do not jump. */
  pending: readonly HistoryEntryView[];
  /** Where the next page starts; null once the oldest entry is loaded. */
  cursor: string | null;
  /** False until the first page of the current filter arrived. */
  loaded: boolean;
  /** Bumped on every filter change, so a late page of an old filter is dropped. */
  generation: number;
  /**
   * Ids that arrived by event rather than in a page: the only ones a later page can repeat (pages never
   * overlap each other). Checking a page against these instead of every loaded id keeps a page O(page).
   */
  liveIds: ReadonlySet<string>;
}

export const emptyPager: HistoryPagerState = {
  entries: [],
  pending: [],
  cursor: null,
  loaded: false,
  generation: 0,
  liveIds: new Set(),
};

export function resetPager(state: HistoryPagerState): HistoryPagerState {
  return { ...emptyPager, generation: state.generation + 1 };
}

/**
 * Appends a page. The cursor is keyset-based, so pages never overlap with each other; an entry that
 * arrived by event before its page did is the only possible duplicate, and it is skipped here.
 */
export function appendPage(
  state: HistoryPagerState,
  generation: number,
  page: { entries: readonly HistoryEntryView[]; nextCursor: string | null },
): HistoryPagerState {
  if (generation !== state.generation) return state;
  const fresh = page.entries.filter((entry) => !state.liveIds.has(entry.id));
  return {
    ...state,
    entries: fresh.length === 0 ? state.entries : state.entries.concat(fresh),
    cursor: page.nextCursor,
    loaded: true,
  };
}

/** A new upload: shown at once when the user is at the top, else held in `pending`. */
export function addLive(
  state: HistoryPagerState,
  entry: HistoryEntryView,
  filter: HistoryFilter,
  atTop: boolean,
): HistoryPagerState {
  if (!state.loaded || !matchesFilter(entry, filter) || state.liveIds.has(entry.id)) return state;
  // A new upload is newer than every loaded page, so only the first page can already hold it.
  if (state.entries.slice(0, 200).some((known) => known.id === entry.id)) return state;
  const liveIds = new Set(state.liveIds).add(entry.id);
  if (!atTop) return { ...state, liveIds, pending: [entry, ...state.pending] };
  return { ...state, liveIds, entries: insertNewestFirst(state.entries, [entry]) };
}

/** Moves held-back uploads into the list (the user asked, or scrolled back to the top). */
export function showPending(state: HistoryPagerState): HistoryPagerState {
  if (state.pending.length === 0) return state;
  return { ...state, entries: insertNewestFirst(state.entries, state.pending), pending: [] };
}

function insertNewestFirst(
  entries: readonly HistoryEntryView[],
  added: readonly HistoryEntryView[],
): HistoryEntryView[] {
  // New uploads are the newest, so they go near the front; the stable sort keeps arrival order on ties.
  const head = [...added].sort((a, b) => b.createdAt - a.createdAt);
  let index = 0;
  while (index < entries.length && entries[index]!.createdAt > head[head.length - 1]!.createdAt) index++;
  if (index === 0) return [...head, ...entries];
  // Only the few newer rows in front need sorting with them; the long tail stays as it is.
  const front = [...entries.slice(0, index), ...head].sort((a, b) => b.createdAt - a.createdAt);
  return front.concat(entries.slice(index));
}

/** history.updated (a thumbnail arrived): the entry is replaced where it is. */
export function updateEntry(state: HistoryPagerState, entry: HistoryEntryView): HistoryPagerState {
  const replace = (list: readonly HistoryEntryView[]): readonly HistoryEntryView[] => {
    const index = list.findIndex((known) => known.id === entry.id);
    if (index === -1) return list;
    const next = list.slice();
    next[index] = entry;
    return next;
  };
  const entries = replace(state.entries);
  const pending = replace(state.pending);
  return entries === state.entries && pending === state.pending ? state : { ...state, entries, pending };
}

export function removeEntries(state: HistoryPagerState, ids: readonly string[]): HistoryPagerState {
  const gone = new Set(ids);
  const entries = state.entries.filter((entry) => !gone.has(entry.id));
  const pending = state.pending.filter((entry) => !gone.has(entry.id));
  if (entries.length === state.entries.length && pending.length === state.pending.length) return state;
  return { ...state, entries, pending };
}

/** What the history view does next to bring an entry into view (see `revealStep`). */
export type RevealStep = 'found' | 'show-pending' | 'clear-filters' | 'load-more' | 'wait' | 'gone';

/**
 * The next step towards showing entry `id`: it is in the list; it is held back as a new upload; the
 * filters may hide it; it may be on a later page; or, with every page loaded, it is gone (deleted).
 */
export function revealStep(
  state: HistoryPagerState,
  id: string,
  options: { filtered: boolean; loading: boolean },
): RevealStep {
  if (state.entries.some((entry) => entry.id === id)) return 'found';
  if (state.pending.some((entry) => entry.id === id)) return 'show-pending';
  if (!state.loaded || options.loading) return 'wait';
  if (options.filtered) return 'clear-filters';
  return state.cursor === null ? 'gone' : 'load-more';
}

/** `<input type="date">` value (local day) → the filter's ms bound; `to` is exclusive, so the next midnight. */
export function dayStart(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
}

export function dayEnd(value: string): number | undefined {
  const start = dayStart(value);
  if (start === undefined) return undefined;
  const date = new Date(start);
  date.setDate(date.getDate() + 1);
  return date.getTime();
}
