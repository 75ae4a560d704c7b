import type { CommandResponse } from '../../shared/contract.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import type { CopiedLinks, NotificationSpec } from './notifications.ts';
import type { MainStrings } from './strings/main-strings.ts';
import { textToCopy } from './tray.ts';

// The loop people use an uploader for: the clipboard goes up (shortcut, tray, drop window), and the
// links come back onto the clipboard when the batch finishes.

/** A finished batch's links in the user's format, one per line in input order; null when none has a link. */
export function linksToCopy(entries: readonly HistoryEntryView[], linkFormatId: string): CopiedLinks | null {
  const lines = entries.flatMap((entry) => {
    const text = textToCopy(entry, linkFormatId);
    return text === null ? [] : [text];
  });
  return lines.length === 0 ? null : { text: lines.join('\n'), count: lines.length };
}

export interface ClipboardUploadOptions {
  /** The service's `uploads.clipboard`. */
  uploadClipboard(): Promise<CommandResponse<'uploads.clipboard'>>;
  /** No default account: the window asks for one, and remembers it. */
  chooseAccount(paths: string[]): void;
  notify(specs: NotificationSpec[]): void;
  strings(): MainStrings;
  log?: Pick<Console, 'warn'>;
}

/**
 * "Upload the clipboard" from the shortcut or the tray: to the default account, or through the
 * window's account picker when there is none. A clipboard with nothing to upload, or a refusal, is
 * said in a notification: the window is usually not in sight when the shortcut is pressed.
 */
export async function uploadClipboard(
  options: ClipboardUploadOptions,
): Promise<CommandResponse<'uploads.clipboard'>['outcome'] | 'failed'> {
  const text = options.strings().notifications;
  try {
    const answer = await options.uploadClipboard();
    if (answer.outcome === 'needs-account') options.chooseAccount(answer.paths);
    if (answer.outcome === 'empty')
      options.notify([{ title: text.clipboardEmptyTitle, body: text.clipboardEmptyBody, view: 'queue' }]);
    return answer.outcome;
  } catch (error) {
    (options.log ?? console).warn('Could not upload the clipboard', error);
    const message =
      typeof (error as { message?: unknown }).message === 'string' ? (error as Error).message : '';
    options.notify([{ title: text.clipboardFailedTitle, body: message, view: 'queue' }]);
    return 'failed';
  }
}
