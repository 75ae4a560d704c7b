import type { HistoryEntryView } from '../models.ts';
import { htmlFormat, markdownFormat, urlFormat } from './basic.ts';
import { easemobMessageBodyJson, isEasemobEntry } from './easemob.ts';
import { timMessageElemJson } from './tencent-im.ts';

/** One "Copy as…" choice for a history entry. */
export interface CopyFormat {
  id: string;
  label: string;
  /** Whether the format makes sense for this entry (a provider's message body only for its uploads). */
  applies: (entry: HistoryEntryView) => boolean;
  render: (entry: HistoryEntryView) => string;
}

const hasLink = (entry: HistoryEntryView): boolean => entry.links.length > 0;

export const copyFormats: readonly CopyFormat[] = [
  { id: 'url', label: 'Link', applies: hasLink, render: urlFormat },
  { id: 'markdown', label: 'Markdown', applies: hasLink, render: markdownFormat },
  { id: 'html', label: 'HTML', applies: hasLink, render: htmlFormat },
  {
    id: 'tencent-im-message',
    label: 'Tencent IM message element (TIMImageElem / TIMFileElem)',
    applies: (entry) => entry.providerId === 'tencent-im' && entry.remoteId !== '' && hasLink(entry),
    render: timMessageElemJson,
  },
  {
    id: 'easemob-message-body',
    label: 'Easemob message body',
    applies: isEasemobEntry,
    render: (entry) => easemobMessageBodyJson(entry),
  },
];

export function copyFormat(id: string): CopyFormat | undefined {
  return copyFormats.find((format) => format.id === id);
}

/** The formats offered for an entry, in menu order. */
export function copyFormatsFor(entry: HistoryEntryView): CopyFormat[] {
  return copyFormats.filter((format) => format.applies(entry));
}
