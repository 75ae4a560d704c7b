import enAccounts from '../../../renderer/i18n/locales/en/accounts.ts';
import enCommon from '../../../renderer/i18n/locales/en/common.ts';
import enHistory from '../../../renderer/i18n/locales/en/history.ts';
import enQueue from '../../../renderer/i18n/locales/en/queue.ts';
import enSettings from '../../../renderer/i18n/locales/en/settings.ts';
import zhAccounts from '../../../renderer/i18n/locales/zh-CN/accounts.ts';
import zhCommon from '../../../renderer/i18n/locales/zh-CN/common.ts';
import zhHistory from '../../../renderer/i18n/locales/zh-CN/history.ts';
import zhQueue from '../../../renderer/i18n/locales/zh-CN/queue.ts';
import zhSettings from '../../../renderer/i18n/locales/zh-CN/settings.ts';

function values(catalog: unknown): string[] {
  if (typeof catalog === 'string') return [catalog.replace(/\{\{[^}]+\}\}/g, ' ')];
  if (typeof catalog === 'object' && catalog !== null) return Object.values(catalog).flatMap(values);
  return [];
}

const words = (texts: readonly string[]): Set<string> =>
  new Set(texts.flatMap((text) => text.match(/[A-Za-z]{3,}/g) ?? []).map((word) => word.toLowerCase()));

/**
 * The English catalog's words that the Chinese catalog never uses: any of them on a Chinese screen is
 * an untranslated string. Words both catalogs use (Ferry, Markdown, HTML, MiB, PicGo) are names.
 */
export function englishOnlyWords(): Set<string> {
  const english = words([enCommon, enQueue, enSettings, enHistory, enAccounts].flatMap(values));
  const chinese = words([zhCommon, zhQueue, zhSettings, zhHistory, zhAccounts].flatMap(values));
  return new Set([...english].filter((word) => !chinese.has(word)));
}

/** Whole English strings (for short ones the word check would miss), minus those shared with Chinese. */
export function englishOnlyValues(): Set<string> {
  const chinese = new Set(
    [zhCommon, zhQueue, zhSettings, zhHistory, zhAccounts].flatMap(values).map((v) => v.trim()),
  );
  return new Set(
    [enCommon, enQueue, enSettings, enHistory, enAccounts]
      .flatMap(values)
      .map((value) => value.trim())
      .filter((value) => value !== '' && !chinese.has(value)),
  );
}
