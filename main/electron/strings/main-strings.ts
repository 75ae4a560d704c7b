import type { Settings } from '../../../shared/settings.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

/**
 * What the main process itself says (tray menu, notifications, dialogs, the shortcut notice), in the
 * app's language. Each language's catalog is typed by this interface, so a key missing in one is a
 * compile error; test/unit/electron/main-strings.test.ts checks that every string is translated.
 */
export interface MainStrings {
  tray: {
    idleTooltip: string;
    /** "Ferry — 3 uploading, 42%, 1 paused"; percent null while no size is known. */
    busyTooltip(active: number, percent: number | null, paused: number): string;
    recentHeader: string;
    noUploads: string;
    copyLink: string;
    uploadClipboard: string;
    dropWindow: string;
    pauseAll: string;
    resumeAll: string;
    open: string;
    quit: string;
  };
  notifications: {
    uploadedOne(name: string): string;
    uploadedMany(count: number, failed: number): string;
    /** The title when the links went to the clipboard; the body is what was copied. */
    copiedOne(name: string): string;
    copiedMany(count: number, failed: number): string;
    /** After the first copied line of a batch: how many more lines there are. */
    moreLines(count: number): string;
    openHistory: string;
    failedOne(name: string): string;
    failedMany(count: number): string;
    andMore(count: number): string;
    clipboardEmptyTitle: string;
    clipboardEmptyBody: string;
    clipboardFailedTitle: string;
  };
  shortcut: {
    /** Registration refused: another app (or the desktop) holds it. */
    taken(accelerator: string): string;
  };
  dialogs: {
    couldNotStart: string;
  };
}

export type MainLanguage = 'en' | 'zh-CN';

export const mainCatalogs: Readonly<Record<MainLanguage, MainStrings>> = { en, 'zh-CN': zhCN };

/**
 * The system's language as Ferry supports it, by the renderer's rule (renderer/i18n/i18n.ts): any
 * Chinese but Traditional → zh-CN, anything else → en; the first language Ferry knows wins.
 */
export function systemMainLanguage(preferred: readonly string[]): MainLanguage {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return /^zh-(tw|hk|mo|hant)/.test(lower) ? 'en' : 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The strings for the language setting; `system` asks the OS's preferred languages. */
export function mainStrings(language: Settings['language'], preferred: () => readonly string[]): MainStrings {
  return mainCatalogs[language === 'system' ? systemMainLanguage(preferred()) : language];
}
