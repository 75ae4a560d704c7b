import { describe, expect, it } from 'vitest';
import {
  mainCatalogs,
  mainStrings,
  systemMainLanguage,
} from '../../../main/electron/strings/main-strings.ts';

// The main process's own words (tray, notifications, dialogs, the shortcut notice): the same
// key-parity rule as the renderer's catalogs (test/unit/renderer/i18n-keys.test.ts).

type Leaf = string | ((...args: never[]) => string);

function leaves(catalog: object, prefix = ''): Map<string, Leaf> {
  const found = new Map<string, Leaf>();
  for (const [key, value] of Object.entries(catalog)) {
    if (typeof value === 'object' && value !== null) {
      for (const [inner, leaf] of leaves(value as object, `${prefix}${key}.`)) found.set(inner, leaf);
    } else {
      found.set(`${prefix}${key}`, value as Leaf);
    }
  }
  return found;
}

/** A leaf as text: functions called with sample arguments of their arity. */
function render(leaf: Leaf): string {
  if (typeof leaf === 'string') return leaf;
  const samples = [3, 42, 2].slice(0, leaf.length) as never[];
  return (leaf as (...args: never[]) => string)(...samples);
}

describe('main-side strings', () => {
  const en = leaves(mainCatalogs.en);
  const zh = leaves(mainCatalogs['zh-CN']);

  it('have the same keys in English and Chinese, each the same kind (text or function of as many values)', () => {
    expect([...zh.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, leaf] of en) {
      const other = zh.get(key)!;
      expect({ key, kind: typeof other, arity: typeof other === 'function' ? other.length : 0 }).toEqual({
        key,
        kind: typeof leaf,
        arity: typeof leaf === 'function' ? leaf.length : 0,
      });
    }
  });

  it('are translated: no Chinese string is left in English, none is empty', () => {
    for (const [key, leaf] of zh) {
      const text = render(leaf);
      expect({ key, empty: text.trim() === '' }).toEqual({ key, empty: false });
      expect({ key, english: text === render(en.get(key)!) }).toEqual({ key, english: false });
      expect({ key, hasChinese: /[\u4e00-\u9fff]/.test(text) }).toEqual({ key, hasChinese: true });
    }
  });

  it('follow the language setting, and for "system" the OS languages by the renderer rule', () => {
    expect(mainStrings('zh-CN', () => ['en-US']).tray.quit).toBe('退出 Ferry');
    expect(mainStrings('en', () => ['zh-CN']).tray.quit).toBe('Quit Ferry');
    expect(mainStrings('system', () => ['zh-Hans-CN', 'en']).tray.quit).toBe('退出 Ferry');
    expect(systemMainLanguage(['de-DE', 'zh-CN'])).toBe('zh-CN');
    expect(systemMainLanguage(['zh-TW'])).toBe('en');
    expect(systemMainLanguage(['fr'])).toBe('en');
    expect(systemMainLanguage([])).toBe('en');
  });
});
