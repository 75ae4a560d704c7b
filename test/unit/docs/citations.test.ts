import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The design lives in the repository (docs/): code and docs may point only at what a reader of the
// repository can open. The team's notes outside it are not citable, and every link must resolve.

const repoRoot = resolve(import.meta.dirname, '../../..');

/** The team's notes and source documents outside the repository, by the names they were cited with. */
const outsideNotes = [/\b(?:DESIGN|PROVIDERS)\.md\b/, /\bseeds?[ /]0\d\d\b/];

/** A repository-relative reference to a document, with its section: `docs/providers.md#tus`. */
const docReference = /(?<![\w/.-])(docs\/[\w.-]+\.md)(?:#([\w-]+))?/g;

interface Problem {
  file: string;
  line: number;
  text: string;
}

/** Every line of `text` that cites a note outside the repository. */
function outsideCitations(file: string, text: string): Problem[] {
  return text
    .split('\n')
    .flatMap((line, index) =>
      outsideNotes.some((pattern) => pattern.test(line))
        ? [{ file, line: index + 1, text: line.trim().slice(0, 160) }]
        : [],
    );
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slugOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Markdown without its fenced code blocks (emptied, so line numbers stay). */
function withoutFences(markdown: string): string {
  return markdown.replace(/^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?^[ \t]*\1[^\n]*$/gm, (block) =>
    block.replace(/[^\n]/g, ''),
  );
}

/** Markdown without code, fenced or inline, where link syntax means nothing. */
function proseOf(markdown: string): string {
  return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** The anchors of a Markdown document's headings, duplicates numbered as GitHub does. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of withoutFences(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const slug = slugOf(match[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Reads the repository: whether a path exists, and the text of a Markdown file. */
interface Files {
  exists(path: string): boolean;
  read(path: string): string;
}

const repoFiles: Files = {
  exists: (path) => existsSync(join(repoRoot, path)),
  read: (path) => readFileSync(join(repoRoot, path), 'utf8'),
};

/** Whether `path#anchor` (repository-relative) names a file, and a heading of it when an anchor is given. */
function unresolved(files: Files, path: string, anchor: string | undefined): string | undefined {
  if (!files.exists(path)) return `${path} does not exist`;
  if (anchor === undefined || !path.endsWith('.md')) return undefined;
  return anchorsOf(files.read(path)).has(anchor) ? undefined : `${path} has no heading #${anchor}`;
}

/** Relative links (inline and reference-style) of one Markdown file that do not resolve. */
function brokenLinks(files: Files, markdownPath: string): Problem[] {
  const lines = proseOf(files.read(markdownPath)).split('\n');
  const problems: Problem[] = [];
  lines.forEach((line, index) => {
    const targets = [
      ...[...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1]!),
      ...[...line.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g)].map((match) => match[1]!),
    ];
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
      const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
      const path =
        rawPath === ''
          ? markdownPath
          : relative(repoRoot, resolve(repoRoot, dirname(markdownPath), decodeURI(rawPath)));
      const why = path.startsWith('..') ? `${target} leaves the repository` : unresolved(files, path, anchor);
      if (why !== undefined) problems.push({ file: markdownPath, line: index + 1, text: why });
    }
  });
  return problems;
}

/** `docs/….md#…` mentioned in a file (a code comment, a doc) that does not resolve. */
function brokenDocReferences(files: Files, file: string, text: string): Problem[] {
  return text.split('\n').flatMap((line, index) =>
    [...line.matchAll(docReference)].flatMap((match) => {
      const why = unresolved(files, match[1]!, match[2]);
      return why === undefined ? [] : [{ file, line: index + 1, text: why }];
    }),
  );
}

/** Tracked files, plus new ones not yet added (but not ignored ones): what the next commit can hold. */
function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  return [...new Set(listed.split('\0'))].filter(
    (path) =>
      path !== '' &&
      path !== 'package-lock.json' &&
      !path.startsWith('node_modules/') &&
      existsSync(join(repoRoot, path)) &&
      statSync(join(repoRoot, path)).isFile(),
  );
}

function markdownDocs(): string[] {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

/** A small repository in memory, for showing that each check catches what it is meant to catch. */
function filesOf(contents: Record<string, string>): Files {
  return {
    exists: (path) => path in contents,
    read: (path) => {
      const text = contents[path];
      if (text === undefined) throw new Error(`no ${path}`);
      return text;
    },
  };
}

describe('citations', () => {
  it('no file in the repository cites the team notes that live outside it', () => {
    const files = repositoryFiles();
    // The listing must be the repository, or this test could pass by reading nothing.
    expect(files).toEqual(expect.arrayContaining(['README.md', 'package.json', 'shared/errors.ts']));
    expect(files.length).toBeGreaterThan(100);
    const problems = files.flatMap((file) =>
      outsideCitations(file, readFileSync(join(repoRoot, file), 'utf8')),
    );
    expect(problems).toEqual([]);
  });

  it('every relative link in README.md and docs/*.md points at a file (and heading) that exists', () => {
    const docs = markdownDocs();
    expect(docs).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/providers.md']));
    expect(docs.flatMap((path) => brokenLinks(repoFiles, path))).toEqual([]);
  });

  it('every docs/….md#section named in code and docs exists', () => {
    const problems = repositoryFiles().flatMap((file) =>
      brokenDocReferences(repoFiles, file, readFileSync(join(repoRoot, file), 'utf8')),
    );
    expect(problems).toEqual([]);
  });

  it('catches a citation of an outside note, a missing file, a missing heading and a missing section', () => {
    const outside = ['DESIGN', 'PROVIDERS'].map((name) => `see ${name}.md §2`);
    expect(outsideCitations('x.ts', `${outside.join('\n')}\n(seed 00${1})\nseeded with 7`)).toEqual([
      { file: 'x.ts', line: 1, text: outside[0] },
      { file: 'x.ts', line: 2, text: outside[1] },
      { file: 'x.ts', line: 3, text: `(seed 00${1})` },
    ]);

    // Written as `${docs}/…` so that the real scan of this very file does not find them.
    const docs = 'docs';
    const files = filesOf({
      'README.md': [
        '# Ferry',
        `See [the map](${docs}/map.md#floors), [gone](${docs}/gone.md), [no such part](${docs}/map.md#roof),`,
        `[here](#ferry), [not here](#nowhere), [web](https://example.com/x.md) and \`[code](${docs}/no.md)\`.`,
        '  ```sh',
        `  [fenced](${docs}/no.md)`,
        '  ```',
        `[ref]: ${docs}/missing.md`,
      ].join('\n'),
      [`${docs}/map.md`]: '# Map\n\n## Floors\n\nBack [up](../README.md#ferry), [out](../../elsewhere.md).\n',
    });
    expect(brokenLinks(files, 'README.md')).toEqual([
      { file: 'README.md', line: 2, text: `${docs}/gone.md does not exist` },
      { file: 'README.md', line: 2, text: `${docs}/map.md has no heading #roof` },
      { file: 'README.md', line: 3, text: 'README.md has no heading #nowhere' },
      { file: 'README.md', line: 7, text: `${docs}/missing.md does not exist` },
    ]);
    expect(brokenLinks(files, `${docs}/map.md`)).toEqual([
      { file: `${docs}/map.md`, line: 5, text: '../../elsewhere.md leaves the repository' },
    ]);
    const comment = `// ${docs}/map.md#floors, ${docs}/map.md#attic, see ${docs}/none.md, https://x.org/${docs}/y.md`;
    expect(brokenDocReferences(files, 'a.ts', comment)).toEqual([
      { file: 'a.ts', line: 1, text: `${docs}/map.md has no heading #attic` },
      { file: 'a.ts', line: 1, text: `${docs}/none.md does not exist` },
    ]);
  });

  it('makes anchors the way GitHub does', () => {
    const anchors = anchorsOf(
      '# Uploading from Typora, Obsidian and PicGo clients (local API)\n## `main/net/` floor\n## Tus\n## Tus\n',
    );
    expect([...anchors]).toEqual([
      'uploading-from-typora-obsidian-and-picgo-clients-local-api',
      'mainnet-floor',
      'tus',
      'tus-1',
    ]);
  });
});
