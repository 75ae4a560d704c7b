import type { HistoryEntryView, LinkView } from '../../shared/models.ts';

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
