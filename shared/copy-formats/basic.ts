import type { HistoryEntryView, LinkView } from '../models.ts';

/**
 * Copy formats every history entry has: the link, a Markdown link or image, an HTML link or image.
 * Pure functions of the entry (no Node, no DOM), for the renderer's "Copy as…" menu and the CLI.
 */

/** The link to share: the original file, else its download link, else whatever link there is. */
export function primaryLink(entry: HistoryEntryView): LinkView | undefined {
  return (
    entry.links.find((link) => link.kind === 'original') ??
    entry.links.find((link) => link.kind === 'download') ??
    entry.links[0]
  );
}

export function isImage(entry: HistoryEntryView): boolean {
  return entry.mimeType.toLowerCase().startsWith('image/');
}

/**
 * Only web links go into Markdown and HTML: a history imported from a file could carry a
 * `javascript:` URL, which a pasted snippet must not turn into a clickable script.
 */
function webUrl(entry: HistoryEntryView): string {
  const url = primaryLink(entry)?.url ?? '';
  return /^https?:\/\//i.test(url) ? url : '';
}

export function urlFormat(entry: HistoryEntryView): string {
  return primaryLink(entry)?.url ?? '';
}

function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#!|]/g, (char) => `\\${char}`).replace(/\r?\n/g, ' ');
}

/** Spaces and parentheses would end a Markdown link destination early. */
function markdownDestination(url: string): string {
  return url.replace(
    /[ ()<>]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/** `![name](url)` for an image, `[name](url)` otherwise. */
export function markdownFormat(entry: HistoryEntryView): string {
  const link = `[${markdownText(entry.name)}](${markdownDestination(webUrl(entry))})`;
  return isImage(entry) ? `!${link}` : link;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[char]};`,
  );
}

/** `<img>` with the original's size when known for an image, `<a download>` link otherwise. */
export function htmlFormat(entry: HistoryEntryView): string {
  const url = escapeHtml(webUrl(entry));
  const name = escapeHtml(entry.name);
  if (isImage(entry)) {
    const link = primaryLink(entry);
    const size =
      link?.width !== undefined && link.height !== undefined
        ? ` width="${link.width}" height="${link.height}"`
        : '';
    return `<img src="${url}" alt="${name}"${size}>`;
  }
  return `<a href="${url}">${name}</a>`;
}
