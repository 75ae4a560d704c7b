import type { Settings } from '../../shared/settings.ts';

/**
 * The theme is an attribute on <html>, read by styles.css: the CSP allows no inline styles, and one
 * attribute switches every custom property at once. "system" leaves it to prefers-color-scheme.
 */
export function applyTheme(root: HTMLElement, theme: Settings['theme']): void {
  root.dataset['theme'] = theme;
}
