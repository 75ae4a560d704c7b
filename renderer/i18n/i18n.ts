import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Settings } from '../../shared/settings.ts';
import enAccounts from './locales/en/accounts.ts';
import enCommon from './locales/en/common.ts';
import enHistory from './locales/en/history.ts';
import enProcessing from './locales/en/processing.ts';
import enQueue from './locales/en/queue.ts';
import enSettings from './locales/en/settings.ts';
import zhAccounts from './locales/zh-CN/accounts.ts';
import zhCommon from './locales/zh-CN/common.ts';
import zhHistory from './locales/zh-CN/history.ts';
import zhProcessing from './locales/zh-CN/processing.ts';
import zhQueue from './locales/zh-CN/queue.ts';
import zhSettings from './locales/zh-CN/settings.ts';

export const supportedLanguages = ['en', 'zh-CN'] as const;
export type SupportedLanguage = (typeof supportedLanguages)[number];

export const namespaces = ['common', 'queue', 'settings', 'history', 'accounts', 'processing'] as const;

/** Every catalog by language and namespace; the key-parity unit test walks this too. */
export const resources = {
  en: {
    common: enCommon,
    queue: enQueue,
    settings: enSettings,
    history: enHistory,
    accounts: enAccounts,
    processing: enProcessing,
  },
  'zh-CN': {
    common: zhCommon,
    queue: zhQueue,
    settings: zhSettings,
    history: zhHistory,
    accounts: zhAccounts,
    processing: zhProcessing,
  },
} as const;

/** The system's language as Ferry supports it: any Chinese but Traditional → zh-CN, anything else → en. */
export function systemLanguage(
  languages: readonly string[] = navigator.languages ?? [navigator.language],
): SupportedLanguage {
  for (const tag of languages) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return /^zh-(tw|hk|mo|hant)/.test(lower) ? 'en' : 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function resolveLanguage(setting: Settings['language'] | undefined): SupportedLanguage {
  return setting === undefined || setting === 'system' ? systemLanguage() : setting;
}

/**
 * One i18next instance for the page. Catalogs are bundled (no fetching: the CSP allows none and the
 * app works offline); the language follows the system until settings say otherwise.
 */
export function createI18n(language: SupportedLanguage = systemLanguage()): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    ns: [...namespaces],
    defaultNS: 'common',
    // React escapes what it renders; escaping here too would show &amp; in file names.
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  document.documentElement.lang = language;
  instance.on('languageChanged', (lng) => {
    document.documentElement.lang = lng;
  });
  return instance;
}

/** Apply the language setting live; a no-op when it already is the language in use. */
export function applyLanguage(instance: I18n, setting: Settings['language'] | undefined): void {
  const language = resolveLanguage(setting);
  if (instance.language !== language) void instance.changeLanguage(language);
}
