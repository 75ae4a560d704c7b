import type { MainStrings } from './main-strings.ts';

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;
const failedPart = (failed: number): string => (failed > 0 ? `, ${failed} failed` : '');

export const en: MainStrings = {
  tray: {
    idleTooltip: 'Ferry',
    busyTooltip: (active, percent, paused) => {
      const parts: string[] = [];
      if (active > 0) parts.push(`${active} uploading${percent === null ? '' : `, ${percent}%`}`);
      if (paused > 0) parts.push(`${paused} paused`);
      return `Ferry — ${parts.join(', ')}`;
    },
    recentHeader: 'Recent uploads — click to copy',
    noUploads: 'No uploads yet',
    copyLink: 'Copy the link',
    uploadClipboard: 'Upload clipboard',
    dropWindow: 'Drop window',
    pauseAll: 'Pause all',
    resumeAll: 'Resume all',
    open: 'Open Ferry',
    quit: 'Quit Ferry',
  },
  notifications: {
    uploadedOne: (name) => `Uploaded ${name}`,
    uploadedMany: (count, failed) => `${plural(count, 'file', 'files')} uploaded${failedPart(failed)}`,
    copiedOne: (name) => `Uploaded ${name} — link copied`,
    copiedMany: (count, failed) => `${plural(count, 'link', 'links')} copied${failedPart(failed)}`,
    moreLines: (count) => `(and ${count} more)`,
    openHistory: 'Open the history to copy the links.',
    failedOne: (name) => `Upload failed: ${name}`,
    failedMany: (count) => `${plural(count, 'upload', 'uploads')} failed`,
    andMore: (count) => `(and ${count} more)`,
    clipboardEmptyTitle: 'Nothing to upload',
    clipboardEmptyBody: 'The clipboard holds no image and no copied file.',
    clipboardFailedTitle: 'Could not upload the clipboard',
  },
  shortcut: {
    taken: (accelerator) =>
      `Ferry could not set ${accelerator} as the shortcut that uploads the clipboard: another app (or the system) uses it. Choose another one in Settings.`,
  },
  dialogs: {
    couldNotStart: 'Ferry could not start',
  },
};
