import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceleratorIssueCodes } from '../../../shared/accelerator.ts';
import { noticeSchema } from '../../../shared/contract.ts';
import { copyFormats } from '../../../shared/copy-formats/index.ts';
import { errorCodes } from '../../../shared/errors.ts';
import { taskStates } from '../../../shared/models.ts';

const rendererDir = resolve(import.meta.dirname, '../../../renderer');
const localesDir = join(rendererDir, 'i18n/locales');
const languages = ['en', 'zh-CN'] as const;
/** i18next plural suffixes: "files_one" and "files_other" are one key, "files", to the code. */
const pluralSuffix = /_(zero|one|two|few|many|other)$/;

type Catalog = Record<string, unknown>;

function flatten(catalog: Catalog, prefix = ''): string[] {
  return Object.entries(catalog).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? flatten(value as Catalog, `${prefix}${key}.`)
      : [`${prefix}${key}`.replace(pluralSuffix, '')],
  );
}

async function loadCatalogs(language: string): Promise<Map<string, Set<string>>> {
  const namespaces = readdirSync(join(localesDir, language)).filter((file) => file.endsWith('.ts'));
  const catalogs = new Map<string, Set<string>>();
  for (const file of namespaces) {
    const module = (await import(join(localesDir, language, file))) as { default: Catalog };
    catalogs.set(file.replace(/\.ts$/, ''), new Set(flatten(module.default)));
  }
  return catalogs;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path.startsWith(localesDir) ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

interface KeyUse {
  file: string;
  key: string;
}

/**
 * Every literal key the renderer asks for: t('key'), t('ns:key'), i18n.t(…), and namespaced keys
 * handed around as data ({ key: 'queue:local.chooseAccount' }). A key without a namespace belongs to
 * the file's useTranslation('ns') (the first one), else to "common", the default namespace.
 */
export function keysUsedIn(source: string, file: string, namespaces: readonly string[]): KeyUse[] {
  const defaultNs = /useTranslation\(\s*['"]([\w-]+)['"]/.exec(source)?.[1] ?? 'common';
  const uses: KeyUse[] = [];
  for (const match of source.matchAll(/\bt\(\s*(['"])([^'"`]+)\1/g)) {
    const key = match[2]!;
    uses.push({ file, key: key.includes(':') ? key : `${defaultNs}:${key}` });
  }
  const namespaced = new RegExp(`(['"])((?:${namespaces.join('|')}):[\\w.-]+)\\1`, 'g');
  for (const match of source.matchAll(namespaced)) uses.push({ file, key: match[2]! });
  return uses;
}

describe('translation catalogs', async () => {
  const catalogs = new Map(
    await Promise.all(languages.map(async (lang) => [lang, await loadCatalogs(lang)] as const)),
  );
  const en = catalogs.get('en')!;
  const namespaces = [...en.keys()];

  it('has the same namespaces in every language', () => {
    for (const language of languages)
      expect([...catalogs.get(language)!.keys()].sort()).toEqual([...namespaces].sort());
    expect(namespaces).toEqual(
      expect.arrayContaining(['common', 'queue', 'settings', 'history', 'accounts']),
    );
  });

  it.each(languages.flatMap((a) => languages.filter((b) => b !== a).map((b) => [a, b] as const)))(
    'has every %s key in %s too',
    (from, to) => {
      const missing = namespaces.flatMap((ns) =>
        [...catalogs.get(from)!.get(ns)!]
          .filter((key) => !catalogs.get(to)!.get(ns)?.has(key))
          .map((key) => `${ns}:${key}`),
      );
      expect(missing).toEqual([]);
    },
  );

  it('has every key the renderer code uses', () => {
    const uses = sourceFiles(rendererDir).flatMap((file) =>
      keysUsedIn(readFileSync(file, 'utf8'), relative(rendererDir, file), namespaces),
    );
    // The scan must find the keys it is meant to find, or this test could pass by finding none.
    expect(uses.length).toBeGreaterThan(50);
    expect(uses).toContainEqual({ file: 'views/queue/add-panel.tsx', key: 'queue:add.chooseFiles' });
    for (const language of languages) {
      const missing = uses.filter(({ key }) => {
        const [ns, ...rest] = key.split(':');
        return !catalogs.get(language)!.get(ns!)?.has(rest.join(':'));
      });
      expect(missing, language).toEqual([]);
    }
  });

  it('has the keys the code builds at run time: error codes, task states, copy formats, notices, shortcut issues', () => {
    const built = [
      ...errorCodes.map((code) => `common:errors.${code}`),
      ...taskStates.map((state) => `queue:state.${state}`),
      ...copyFormats.map((format) => `settings:formats.${format.id}`),
      ...copyFormats.map((format) => `common:formats.${format.id}`),
      ...['pause', 'resume', 'cancel', 'retry'].flatMap((action) => [
        `queue:actions.${action}`,
        `queue:actions.${action}File`,
      ]),
      ...['system', 'en', 'zh-CN'].map((language) => `settings:languages.${language}`),
      ...['system', 'light', 'dark'].map((theme) => `settings:themes.${theme}`),
      ...noticeSchema.shape.kind.options.map((kind) => `common:notice.${kind}`),
      ...acceleratorIssueCodes.map((code) => `settings:shortcutIssues.${code}`),
    ];
    for (const language of languages) {
      const missing = built.filter((key) => {
        const [ns, rest] = key.split(':') as [string, string];
        return !catalogs.get(language)!.get(ns)?.has(rest);
      });
      expect(missing, language).toEqual([]);
    }
  });

  it('finds keys in the forms the renderer writes them', () => {
    const source = `const { t } = useTranslation('queue'); t('title'); t("add.hint", { x }); t('common:nav.queue'); const r = { key: 'queue:local.chooseAccount' }; t(\`state.\${s}\`);`;
    expect(keysUsedIn(source, 'x.tsx', ['common', 'queue'])).toEqual([
      { file: 'x.tsx', key: 'queue:title' },
      { file: 'x.tsx', key: 'queue:add.hint' },
      { file: 'x.tsx', key: 'common:nav.queue' },
      { file: 'x.tsx', key: 'common:nav.queue' },
      { file: 'x.tsx', key: 'queue:local.chooseAccount' },
    ]);
  });
});
