import type { FerryService } from '../service.ts';
import type { IsFerryLink } from './web-contents-guard.ts';

// The history search matches substrings of link URLs; a prefix this long finds the entry without
// running into the search's length limit (presigned URLs are often longer than 500 characters).
const searchPrefixLength = 200;

function linkUrlsOf(response: unknown): string[] {
  if (typeof response !== 'object' || response === null) return [];
  const entries = (response as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) return [];
  return entries.flatMap((entry: unknown) => {
    const links = (entry as { links?: unknown } | null)?.links;
    if (!Array.isArray(links)) return [];
    return links
      .map((link: unknown) => (link as { url?: unknown } | null)?.url)
      .filter((url) => typeof url === 'string');
  });
}

/**
 * "Ferry produced this link": it is, exactly, one of the links of a history entry. Asked through the
 * service's own `history.list` command, so it sees exactly what the renderer can show.
 */
export function createHistoryLinkCheck(service: Pick<FerryService, 'dispatch'>): IsFerryLink {
  return async (url) => {
    const search = url.slice(0, searchPrefixLength);
    // Whitespace splits the search into terms; no link Ferry stores contains any.
    if (/\s/.test(search)) return false;
    const response = await service.dispatch('history.list', { search, limit: 100 });
    return linkUrlsOf(response).includes(url);
  };
}
