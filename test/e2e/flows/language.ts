import { expect, type Page } from '@playwright/test';
import { englishOnlyValues, englishOnlyWords } from './catalog-words.ts';
import { openView } from './page-helpers.ts';

/**
 * Every string a user can see or hear on the page: visible text, every option of every select, and
 * aria-label/title/placeholder/alt. Data (file names, links, account names, the provider's own words)
 * is marked translate="no" or data-untranslated and left out; `dataStrings` removes data that is
 * interpolated into a label ("暂停 clip.mp4").
 */
export async function visibleUiStrings(page: Page, dataStrings: readonly string[] = []): Promise<string[]> {
  const strings = await page.evaluate(() => {
    const exempt = (element: Element) => element.closest('[translate="no"], [data-untranslated]') !== null;
    const found: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const element = node.parentElement;
      if (element === null || exempt(element)) continue;
      if (element.closest('option') === null && !element.checkVisibility()) continue;
      const text = node.textContent?.trim();
      if (text) found.push(text);
    }
    for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      if (exempt(element) || (element instanceof HTMLElement && !element.checkVisibility())) continue;
      for (const attribute of ['aria-label', 'title', 'placeholder', 'alt']) {
        const value = element.getAttribute(attribute)?.trim();
        if (value) found.push(value);
      }
    }
    return found;
  });
  return strings.map((text) => dataStrings.reduce((rest, data) => rest.split(data).join(' '), text));
}

/** The strings among `strings` that are English UI text (a catalog word or value Chinese never uses). */
export function englishLeftovers(strings: readonly string[]): string[] {
  const words = englishOnlyWords();
  const values = englishOnlyValues();
  return strings.filter(
    (text) =>
      values.has(text) || (text.match(/[A-Za-z]{3,}/g) ?? []).some((word) => words.has(word.toLowerCase())),
  );
}

export interface LanguageFlowResult {
  queueStrings: string[];
  settingsStrings: string[];
}

/**
 * Switch the language to Simplified Chinese in Settings; the change applies live (no reload), and no
 * English UI string remains in the Settings and Queue views. `dataStrings`: file and account names on
 * screen that are data, not UI.
 */
export async function switchToChineseFlow(
  page: Page,
  dataStrings: readonly string[] = [],
): Promise<LanguageFlowResult> {
  await openView(page, 'settings');
  await page.locator('select:has(option[value="zh-CN"])').selectOption('zh-CN');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('.app-nav [data-view="settings"]')).toHaveText('设置');

  const settingsStrings = await visibleUiStrings(page, dataStrings);
  expect(englishLeftovers(settingsStrings)).toEqual([]);

  await openView(page, 'queue');
  await expect(page.locator('.view-title')).toHaveText('队列');
  const queueStrings = await visibleUiStrings(page, dataStrings);
  expect(englishLeftovers(queueStrings)).toEqual([]);
  return { queueStrings, settingsStrings };
}

/** Back to English, live. */
export async function switchToEnglish(page: Page): Promise<void> {
  await openView(page, 'settings');
  await page.locator('select:has(option[value="zh-CN"])').selectOption('en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
}
