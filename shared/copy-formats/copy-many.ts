import type { HistoryEntryView } from '../models.ts';
import { copyFormats, type CopyFormat } from './index.ts';

/**
 * Copying several entries at once ("Copy all" of a batch, a selection in the history): the formats
 * that apply to every one of them, and their texts one per line in the order given (the order the
 * files were dropped in, or the order on screen).
 */
export function copyFormatsForAll(entries: readonly HistoryEntryView[]): CopyFormat[] {
  if (entries.length === 0) return [];
  return copyFormats.filter((format) => entries.every((entry) => format.applies(entry)));
}

/** The chosen format where it applies to all, else the first that does (the link). */
export function preferredFormat(formats: readonly CopyFormat[], preferredId: string): CopyFormat | undefined {
  return formats.find((format) => format.id === preferredId) ?? formats[0];
}

/** One entry per line; a format spanning lines (a JSON message body) stays whole on its lines. */
export function renderAll(format: CopyFormat, entries: readonly HistoryEntryView[]): string {
  return entries.map((entry) => format.render(entry)).join('\n');
}
