import { describe, expect, it } from 'vitest';
import type { HistoryEntryView } from '../../../shared/models.ts';
import {
  addLive,
  appendPage,
  dayEnd,
  dayStart,
  emptyPager,
  matchesFilter,
  mediaTypeOf,
  removeEntries,
  resetPager,
  revealStep,
  showPending,
  updateEntry,
  type HistoryPagerState,
} from '../../../renderer/views/history/history-model.ts';

function entry(id: string, createdAt: number, patch: Partial<HistoryEntryView> = {}): HistoryEntryView {
  return {
    id,
    accountId: 'acc',
    providerId: 'tus',
    name: `${id}.png`,
    size: 10,
    mimeType: 'image/png',
    sha256: 'ab'.repeat(32),
    remoteId: `remote-${id}`,
    links: [{ kind: 'original', url: `https://cdn.example.com/${id}.png` }],
    details: {},
    createdAt,
    ...patch,
  };
}

/** Newest first, as history.list pages them: ids e99 … e0 with createdAt 99 … 0. */
const all = Array.from({ length: 100 }, (_, i) => entry(`e${99 - i}`, 99 - i));

function loaded(count: number): HistoryPagerState {
  const state = resetPager(emptyPager);
  return appendPage(state, state.generation, { entries: all.slice(0, count), nextCursor: 'next' });
}

describe('history pager', () => {
  it('appends pages in order and drops a page of an older filter', () => {
    const first = resetPager(emptyPager);
    let state = appendPage(first, first.generation, { entries: all.slice(0, 40), nextCursor: 'c1' });
    const stale = state.generation;
    state = appendPage(state, state.generation, { entries: all.slice(40, 80), nextCursor: 'c2' });
    expect(state.entries.map((e) => e.id)).toEqual(all.slice(0, 80).map((e) => e.id));
    expect(state.cursor).toBe('c2');

    const refiltered = resetPager(state);
    expect(refiltered.entries).toEqual([]);
    expect(appendPage(refiltered, stale, { entries: all.slice(80), nextCursor: null })).toBe(refiltered);
  });

  it('shows a new upload at the top at once, but holds it back while the user is scrolled down', () => {
    const fresh = entry('new', 1000);
    const atTop = addLive(loaded(50), fresh, {}, true);
    expect(atTop.entries[0]!.id).toBe('new');
    expect(atTop.entries).toHaveLength(51);

    const scrolled = addLive(loaded(50), fresh, {}, false);
    expect(scrolled.entries).toHaveLength(50);
    expect(scrolled.pending.map((e) => e.id)).toEqual(['new']);
    const shown = showPending(scrolled);
    expect(shown.entries[0]!.id).toBe('new');
    expect(shown.pending).toEqual([]);
  });

  it('never shows an entry twice when its event and its page race', () => {
    const fresh = entry('new', 1000);
    // The event first, then a page that also holds it.
    const state = addLive(loaded(0), fresh, {}, true);
    const paged = appendPage(state, state.generation, {
      entries: [fresh, ...all.slice(0, 10)],
      nextCursor: 'c',
    });
    expect(paged.entries.filter((e) => e.id === 'new')).toHaveLength(1);
    // The page first, then the event.
    const first = loaded(10);
    const withFresh = appendPage(resetPager(first), first.generation + 1, {
      entries: [fresh],
      nextCursor: null,
    });
    expect(addLive(withFresh, fresh, {}, true).entries).toHaveLength(1);
  });

  it('ignores uploads the current filter would not list', () => {
    const state = loaded(10);
    expect(addLive(state, entry('x', 1000, { accountId: 'other' }), { accountId: 'acc' }, true)).toBe(state);
    expect(addLive(state, entry('y', 1000, { mimeType: 'video/mp4' }), { type: 'image' }, true)).toBe(state);
    expect(addLive(state, entry('z', 1000), { search: 'nomatch' }, true)).toBe(state);
  });

  it('replaces an updated entry where it is and removes deleted ones', () => {
    const state = loaded(20);
    const withThumb = { ...all[5]!, thumbnailKey: 'cd'.repeat(32) };
    const updated = updateEntry(state, withThumb);
    expect(updated.entries[5]!.thumbnailKey).toBe(withThumb.thumbnailKey);
    expect(updated.entries).toHaveLength(20);
    expect(updateEntry(state, entry('unknown', 1))).toBe(state);

    const removed = removeEntries(updated, [all[0]!.id, all[5]!.id, 'unknown']);
    expect(removed.entries.map((e) => e.id)).not.toContain(all[5]!.id);
    expect(removed.entries).toHaveLength(18);
  });
});

describe('bringing an entry into view (a click on an "uploaded" notification)', () => {
  const idle = { filtered: false, loading: false };

  it('finds it in the list, or moves it out of the held-back uploads first', () => {
    expect(revealStep(loaded(10), 'e95', idle)).toBe('found');
    const held = addLive(loaded(10), entry('new', 1000), {}, false);
    expect(revealStep(held, 'new', idle)).toBe('show-pending');
    expect(revealStep(showPending(held), 'new', idle)).toBe('found');
  });

  it('waits for a page on its way, clears filters that may hide it, then loads the next pages', () => {
    expect(revealStep(resetPager(emptyPager), 'e5', idle)).toBe('wait');
    expect(revealStep(loaded(10), 'e5', { filtered: false, loading: true })).toBe('wait');
    expect(revealStep(loaded(10), 'e5', { filtered: true, loading: false })).toBe('clear-filters');
    expect(revealStep(loaded(10), 'e5', idle)).toBe('load-more');
    const everything = appendPage(loaded(10), 1, { entries: all.slice(10), nextCursor: null });
    expect(revealStep(everything, 'e5', idle)).toBe('found');
  });

  it('gives up on an entry that is nowhere once every page is loaded (deleted meanwhile)', () => {
    const state = resetPager(emptyPager);
    const complete = appendPage(state, state.generation, { entries: all.slice(0, 3), nextCursor: null });
    expect(revealStep(complete, 'gone', idle)).toBe('gone');
  });
});

describe('history filter helpers', () => {
  it('matches every search term in the name, remote id or a link, case-insensitively', () => {
    const e = entry('Photo', 5, { name: 'Holiday Beach.JPG', remoteId: 'R-77' });
    expect(matchesFilter(e, { search: 'beach holiday' })).toBe(true);
    expect(matchesFilter(e, { search: 'r-77' })).toBe(true);
    expect(matchesFilter(e, { search: 'cdn.example' })).toBe(true);
    expect(matchesFilter(e, { search: 'beach mountain' })).toBe(false);
    expect(matchesFilter(e, { from: 6 })).toBe(false);
    expect(matchesFilter(e, { to: 5 })).toBe(false);
    expect(matchesFilter(e, { from: 5, to: 6 })).toBe(true);
  });

  it('derives the media type as the main side does', () => {
    expect(mediaTypeOf('image/webp')).toBe('image');
    expect(mediaTypeOf('VIDEO/mp4')).toBe('video');
    expect(mediaTypeOf('audio/mpeg')).toBe('audio');
    expect(mediaTypeOf('application/pdf')).toBe('other');
  });

  it('turns date inputs into a half-open local-day range', () => {
    const from = dayStart('2024-03-10')!;
    const to = dayEnd('2024-03-10')!;
    expect(new Date(from).getHours()).toBe(0);
    expect(new Date(to).getDate()).toBe(11);
    expect(dayStart('')).toBeUndefined();
  });
});
