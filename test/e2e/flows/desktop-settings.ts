import { expect, type Page } from '@playwright/test';
import { defaultClipboardShortcut } from '../../../shared/accelerator.ts';
import type { FerryEvent } from '../../../shared/contract.ts';
import enCommon from '../../../renderer/i18n/locales/en/common.ts';
import enSettings from '../../../renderer/i18n/locales/en/settings.ts';
import { expectNoSeriousViolations } from './accessibility.ts';
import { openView } from './page-helpers.ts';

const s = enSettings.behaviour;

/**
 * The desktop app's clipboard settings in the Settings view (English UI), saved through the web
 * shell's real service and found again after a reload: a recorded shortcut, a typed one refused with
 * the reason, an empty one that turns it off, the default back; the links-copied and drop-window
 * switches. In a browser the group says it is the desktop app's.
 */
export async function clipboardSettingsFlow(page: Page): Promise<void> {
  await openView(page, 'settings');
  const group = page.getByTestId('desktop-settings');
  await expect(group).toHaveAttribute('data-shell', 'browser');
  await expect(group.getByTestId('desktop-only-note')).toContainText('global shortcut');
  const field = group.getByLabel(s.clipboardShortcut);
  const record = group.getByTestId('shortcut-record');
  await expect(field).toHaveValue(defaultClipboardShortcut);
  await expect(group.getByTestId('shortcut-field')).toContainText(`Default: ${defaultClipboardShortcut}`);
  await expect(group.getByTestId('shortcut-default')).toHaveCount(0);

  // Recorded: modifiers show while held, the combination replaces the value and is saved.
  await record.click();
  await expect(record).toHaveAttribute('aria-pressed', 'true');
  await expect(field).toBeFocused();
  await expect(field).toHaveAttribute('placeholder', s.recording);
  await page.keyboard.down('Control');
  await page.keyboard.down('Alt');
  await expect(field).toHaveValue('CommandOrControl+Alt+');
  await page.keyboard.press('KeyK');
  await page.keyboard.up('Alt');
  await page.keyboard.up('Control');
  await expect(field).toHaveValue('CommandOrControl+Alt+K');
  await expect(record).toHaveAttribute('aria-pressed', 'false');
  // Escape gives up a recording and keeps what was there.
  await record.click();
  await page.keyboard.press('Escape');
  await expect(record).toHaveAttribute('aria-pressed', 'false');
  await expect(field).toHaveValue('CommandOrControl+Alt+K');

  // Typed: a shortcut Electron cannot use is refused with the reason and not saved.
  await field.fill('Ctrl+U+I');
  const problem = group.getByTestId('shortcut-problem');
  await expect(problem).toContainText(enSettings.shortcutIssues['key-not-last']);
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await field.press('Enter');
  await field.fill('Shift+U');
  await expect(problem).toContainText(enSettings.shortcutIssues['needs-modifier']);
  await field.blur();
  await expect(problem).toBeVisible();
  await expectNoSeriousViolations(page, 'settings with a shortcut refused');

  await page.reload();
  await openView(page, 'settings');
  await expect(field).toHaveValue('CommandOrControl+Alt+K');
  await expect(problem).toHaveCount(0);

  // Typed right, then emptied: no shortcut, and the field says what that means.
  await field.fill('Alt+F9');
  await field.press('Enter');
  await expect(problem).toHaveCount(0);
  await field.fill('');
  await field.press('Enter');
  await expect(group.getByTestId('shortcut-off')).toHaveText(s.shortcutOff);
  await expect(group.getByLabel(s.copyLinksOnUpload)).toBeChecked();
  await group.getByLabel(s.copyLinksOnUpload).uncheck();
  await expect(group.getByLabel(s.dropWindow)).not.toBeChecked();
  await group.getByLabel(s.dropWindow).check();
  await page.waitForTimeout(300);

  await page.reload();
  await openView(page, 'settings');
  await expect(field).toHaveValue('');
  await expect(group.getByTestId('shortcut-off')).toBeVisible();
  await expect(group.getByLabel(s.copyLinksOnUpload)).not.toBeChecked();
  await expect(group.getByLabel(s.dropWindow)).toBeChecked();

  await group.getByTestId('shortcut-default').click();
  await expect(field).toHaveValue(defaultClipboardShortcut);
  await expect(group.getByTestId('shortcut-default')).toHaveCount(0);
  await group.getByLabel(s.copyLinksOnUpload).check();
  await group.getByLabel(s.dropWindow).uncheck();
}

/**
 * The desktop app could not register the shortcut (another app holds it): its notice shows as a
 * banner that leads to the settings, and the shortcut field says it is not working. Changing a
 * setting asks the service for the notices still current; the web shell's has none, so both go.
 */
export async function shortcutNoticeFlow(
  page: Page,
  emit: (event: FerryEvent) => void,
  shot: (name: string) => Promise<unknown> = async () => undefined,
): Promise<void> {
  await openView(page, 'queue');
  const message = `Ferry could not set ${defaultClipboardShortcut} as the shortcut that uploads the clipboard: another app (or the system) uses it. Choose another one in Settings.`;
  emit({
    name: 'notice',
    payload: { id: 'shortcut-notice', kind: 'shortcut-unavailable', message, createdAt: Date.now() },
  });
  const banner = page.getByTestId('notice-banner');
  await expect(banner).toContainText(enCommon.notice['shortcut-unavailable']);
  await expect(banner).toContainText(message);
  await banner.getByTestId('notice-open-settings').click();
  await expect(page.locator('.app-nav [data-view="settings"]')).toHaveAttribute('aria-current', 'page');
  await expect(banner.getByTestId('notice-open-settings')).toHaveCount(0);
  const unavailable = page.getByTestId('shortcut-unavailable');
  await expect(unavailable).toHaveText(
    s.shortcutUnavailable.replace('{{shortcut}}', defaultClipboardShortcut),
  );
  await page.getByTestId('shortcut-field').scrollIntoViewIfNeeded();
  await shot('settings-shortcut-unavailable');
  await expectNoSeriousViolations(page, 'settings with the shortcut notice');

  const field = page.getByTestId('desktop-settings').getByLabel(s.clipboardShortcut);
  await field.fill('CommandOrControl+Alt+J');
  await field.press('Enter');
  await expect(unavailable).toHaveCount(0);
  await expect(banner).toHaveCount(0);
}
