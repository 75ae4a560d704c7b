import { expect, type Page } from '@playwright/test';

/**
 * The sections are reachable by keyboard alone: Tab lands on the navigation, arrow keys move between
 * its buttons, Enter opens one (aria-current follows), and the focused button shows a focus ring.
 */
export async function keyboardNavigationFlow(page: Page): Promise<void> {
  const nav = page.getByRole('navigation');
  await expect(nav).toHaveAccessibleName(/.+/);
  const buttons = nav.getByRole('button');
  await expect(buttons).toHaveCount(4);
  await expect(nav.locator('[aria-current="page"]')).toHaveAttribute('data-view', 'queue');

  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Tab');
  await expect(buttons.nth(0)).toBeFocused();
  // A keyboard focus shows a ring (outline), not just a colour change.
  expect(await buttons.nth(0).evaluate((element) => getComputedStyle(element).outlineStyle)).not.toBe('none');

  await page.keyboard.press('ArrowRight');
  await expect(buttons.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(buttons.nth(3)).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(buttons.nth(3)).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('.settings-view')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(buttons.nth(0)).toBeFocused();
  await page.keyboard.press('Space');
  await expect(buttons.nth(0)).toHaveAttribute('aria-current', 'page');
  await expect(buttons.nth(3)).not.toHaveAttribute('aria-current');
  await expect(page.getByTestId('drop-zone').locator('.queue-view')).toBeVisible();
}

/** A start notice (e.g. the database was restored) shows as a banner until the user dismisses it. */
export async function startNoticeFlow(page: Page, expectedKindText: RegExp): Promise<void> {
  const banner = page.getByTestId('notice-banner');
  await expect(banner).toHaveCount(1);
  await expect(banner).toContainText(expectedKindText);
  await banner.getByRole('button').click();
  await expect(banner).toHaveCount(0);
}
