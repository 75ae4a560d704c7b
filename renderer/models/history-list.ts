import type { HistoryEntryView, LinkView } from '../../shared/models.ts';

/**
 * Merges entries into the newest-first history without duplicates. A `history.added` event can race
 * the initial `history.list`, so both go through here and the order comes from `createdAt`.
 */
export function mergeHistory(
  current: readonly HistoryEntryView[],
  incoming: readonly HistoryEntryView[],
): HistoryEntryView[] {
  const known = new Set(current.map((entry) => entry.id));
  const added = incoming.filter((entry) => {
    if (known.has(entry.id)) return false;
    known.add(entry.id);
    return true;
  });
  if (added.length === 0) return current as HistoryEntryView[];
  // Array.prototype.sort is stable, so entries created in the same millisecond keep their arrival order.
  return [...added, ...current].sort((a, b) => b.createdAt - a.createdAt);
}

/** The link a user most likely wants: the original file, else whatever the provider gave first. */
export function primaryLink(entry: HistoryEntryView): LinkView | null {
  return entry.links.find((link) => link.kind === 'original') ?? entry.links[0] ?? null;
}

/**
 * Provider responses are parsed, not trusted: only web links become clickable, so a hostile
 * `javascript:` or `file:` URL in a history entry is shown as text and never followed.
 */
export function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
