import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { settingsSchema } from '../../../shared/settings.ts';

// Every setting the user can change must change something. This test type-checks main/ and collects
// the settings members it reads: property accesses (and destructurings) that the type checker
// resolves to a member of the settings schema in shared/settings.ts (and the processing settings it
// nests from shared/processing.ts) — `settings.get().concurrency`,
// `config.enabled` on a Pick<Settings['localApi'], …>, but not an unrelated `options.concurrency`.
//
// What it proves: each key is read, through the settings' own type, somewhere in main/ outside the
// settings store (which reads them all to load and save them). What it does not: that the value read
// changes behaviour; the tests of each consumer do that (e.g. part-size-setting.test.ts).

const root = resolve(import.meta.dirname, '../../..');
/** The files that declare the schema's members, and the objects in them that nest under a key. */
const schemaFiles = new Set([resolve(root, 'shared/settings.ts'), resolve(root, 'shared/processing.ts')]);
const nestedUnder: Readonly<Record<string, string>> = {
  localApiFields: 'localApi',
  localApiSettingsSchema: 'localApi',
  processingSettingsSchema: 'processing',
};
/** Values of the settings' type, not its schema: reading their members is not a consumer's read. */
const notSchema = new Set(['defaultSettings', 'defaultProcessingSettings']);
/** Reads every key to load, check and save them: not a consumer. */
const settingsStore = resolve(root, 'main/store/settings-store.ts');

/** Keys only the renderer acts on, and why main/ has no use for them. */
const rendererOnly: Readonly<Record<string, string>> = {
  uploadEmptyFiles:
    'answers the question the window asks before a drop with empty files is uploaded (renderer/state/drop-questions.ts); the CLI and local API upload what they are named',
  theme: 'applied to the document by renderer/models/theme.ts; the main process draws nothing themed',
};

/** Every key path of the schema: top-level keys, and the members of nested objects (localApi.port). */
function keyPaths(): string[] {
  return Object.entries(settingsSchema.shape).flatMap(([key, schema]) =>
    schema instanceof z.ZodObject
      ? [key, ...Object.keys(schema.shape).map((inner) => `${key}.${inner}`)]
      : [key],
  );
}

function sourceFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFilesUnder(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The variable of a schema file a declaration sits in (`fields`, `localApiFields`, …). */
function enclosingVariable(declaration: ts.Declaration): string | undefined {
  if (!schemaFiles.has(resolve(declaration.getSourceFile().fileName))) return undefined;
  for (let node: ts.Node | undefined = declaration; node; node = node.parent) {
    if (ts.isVariableDeclaration(node)) return node.name.getText();
  }
  return undefined;
}

/**
 * The key path a schema member's declaration stands for: by the object it is declared in, so that
 * `localApi.enabled` and `processing.enabled` stay apart. Undefined for anything not in the schema.
 */
function pathOfDeclaration(
  declaration: ts.Declaration,
  name: string,
  paths: readonly string[],
): string | undefined {
  const variable = enclosingVariable(declaration);
  if (variable === undefined || notSchema.has(variable)) return undefined;
  const parent = nestedUnder[variable];
  const path = parent === undefined ? name : `${parent}.${name}`;
  return paths.includes(path) ? path : undefined;
}

/** Where in main/ each key path is read: "file:line". */
function readersInMain(paths: readonly string[]): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json did not parse');
  const files = sourceFilesUnder(resolve(root, 'main'));
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const readers = new Map<string, string[]>();

  const record = (symbol: ts.Symbol | undefined, at: ts.Node) => {
    if (!symbol) return;
    const path = (symbol.declarations ?? [])
      .map((declaration) => pathOfDeclaration(declaration, symbol.name, paths))
      .find((found) => found !== undefined);
    if (!path) return;
    const file = at.getSourceFile();
    const line = file.getLineAndCharacterOfPosition(at.getStart()).line + 1;
    readers.set(path, [...(readers.get(path) ?? []), `${relative(root, file.fileName)}:${line}`]);
  };

  for (const file of files) {
    if (file === settingsStore) continue;
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`${file} is not in the program`);
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node)) {
        record(checker.getSymbolAtLocation(node.name), node.name);
      } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
        // const { concurrency } = settings.get(): the member of the destructured value's type.
        const name = (node.propertyName ?? node.name).getText();
        record(checker.getTypeAtLocation(node.parent).getProperty(name), node);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return readers;
}

describe('every key of the settings schema (shared/settings.ts)', () => {
  const paths = keyPaths();
  let readers: Map<string, string[]>;
  beforeAll(() => {
    readers = readersInMain(paths);
  }, 120_000);

  it('is read somewhere in main/ outside the settings store, or is on the renderer-only list', () => {
    const unread = paths.filter((path) => !readers.has(path) && !(path in rendererOnly));
    expect(unread, `settings nothing in main/ reads: ${unread.join(', ')}`).toEqual([]);
  });

  it('is on the renderer-only list only while main/ really does not read it', () => {
    const readAfterAll = Object.keys(rendererOnly).filter((path) => readers.has(path));
    expect(readAfterAll.map((path) => `${path}: ${readers.get(path)!.join(', ')}`)).toEqual([]);
  });

  it('finds the readers it is meant to find (the scan itself works)', () => {
    expect(readers.get('concurrency')).toContainEqual(expect.stringMatching(/^main\/service\.ts:\d+$/));
    expect(readers.get('localApi.port')).toContainEqual(
      expect.stringMatching(/^main\/local-api\/local-api-controller\.ts:\d+$/),
    );
    // Two members named `enabled`, told apart by where they are declared.
    expect(readers.get('processing.enabled')).toContainEqual(
      expect.stringMatching(/^main\/service\/upload-plan\.ts:\d+$/),
    );
    expect(readers.get('localApi.enabled') ?? []).not.toContainEqual(
      expect.stringMatching(/^main\/service\/upload-plan\.ts:\d+$/),
    );
  });
});
