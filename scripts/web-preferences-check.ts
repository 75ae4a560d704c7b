/**
 * Ferry's own check of the built main process: every window gets Electron's secure webPreferences,
 * each key spelled out as a boolean literal. Electronegativity cannot do this for us: it reads only an
 * object literal written inside `new BrowserWindow({...})`, and ours comes from
 * `secureWebPreferences()` (main/electron/main-window.ts), so it flags the window as "unknown" and,
 * once that finding is justified, a flipped key inside the helper passed unseen.
 *
 * Rules, over the bundles' syntax (TypeScript's parser, which reads plain JavaScript):
 * - an object literal with any webPreferences key (other than the common word `sandbox`) is a
 *   webPreferences object: every key of `requiredWebPreferences` must be there with exactly its value,
 *   `enableBlinkFeatures` must not, and no spread may bring anything else in;
 * - a `webPreferences:` property must be such an object, or a call of a function of the same file
 *   whose every `return` gives one;
 * - every `new BrowserWindow/BrowserView/WebContentsView(...)` must pass an object literal with
 *   `webPreferences`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** Electron's security checklist, as values; a different value or a missing key fails. */
export const requiredWebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
} as const satisfies Record<string, boolean>;

/** Keys that must not be set at all. */
export const forbiddenWebPreferences: readonly string[] = ['enableBlinkFeatures'];

const windowClasses = new Set(['BrowserWindow', 'BrowserView', 'WebContentsView']);
/** Keys that mark an object literal as webPreferences; `sandbox` alone is too common a word. */
const markerKeys = new Set(
  [...Object.keys(requiredWebPreferences), ...forbiddenWebPreferences].filter((key) => key !== 'sandbox'),
);

export interface WebPreferencesProblem {
  file: string;
  line: number;
  /** The webPreferences key at fault, when there is one. */
  key?: string;
  message: string;
}

export interface WebPreferencesReport {
  /** Window constructions seen: zero means the check saw nothing to judge. */
  windows: number;
  problems: WebPreferencesProblem[];
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name))
    return name.text;
  return undefined;
}

function namedProperty(object: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike[] {
  return object.properties.filter(
    (property) => property.name !== undefined && propertyName(property.name) === name,
  );
}

function unwrap(expression: ts.Expression): ts.Expression {
  let current = expression;
  while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current)) current = current.expression;
  return current;
}

/** Words without which no rule can apply to a file: files without any are not parsed (the chunks are large). */
const relevantWords = new RegExp([...windowClasses, 'webPreferences', ...markerKeys].join('|'));

export function checkWebPreferences(file: string, source: string): WebPreferencesReport {
  if (!relevantWords.test(source)) return { windows: 0, problems: [] };
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const problems: WebPreferencesProblem[] = [];
  let windows = 0;
  const lineOf = (node: ts.Node) => sourceFile.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const problem = (node: ts.Node, message: string, key?: string) =>
    problems.push({ file, line: lineOf(node), ...(key === undefined ? {} : { key }), message });

  // Functions by name, with what each returns, for `webPreferences: helper(...)`.
  const returnsOf = new Map<string, ts.Expression[] | null>();
  const collectFunctions = (node: ts.Node): void => {
    let name: string | undefined;
    let body: ts.Node | undefined;
    if (ts.isFunctionDeclaration(node) && node.name) [name, body] = [node.name.text, node.body];
    else if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      node.initializer &&
      (ts.isFunctionExpression(node.initializer) || ts.isArrowFunction(node.initializer))
    )
      [name, body] = [node.name.text, node.initializer.body];
    if (name !== undefined && body !== undefined) {
      // A name bound twice is not followed: which one runs depends on scope.
      returnsOf.set(name, returnsOf.has(name) ? null : returnedExpressions(body));
    }
    ts.forEachChild(node, collectFunctions);
  };
  collectFunctions(sourceFile);

  const judgePreferences = (object: ts.ObjectLiteralExpression): void => {
    for (const element of object.properties) {
      if (ts.isSpreadAssignment(element))
        problem(element, 'webPreferences with a spread: the check cannot see which keys it brings');
    }
    for (const [key, required] of Object.entries(requiredWebPreferences)) {
      const found = namedProperty(object, key);
      if (found.length === 0) {
        problem(object, `webPreferences without ${key}: spell out ${key}: ${required}`, key);
        continue;
      }
      for (const element of found) {
        const value = ts.isPropertyAssignment(element) ? unwrap(element.initializer) : undefined;
        const literal =
          value?.kind === ts.SyntaxKind.TrueKeyword
            ? true
            : value?.kind === ts.SyntaxKind.FalseKeyword
              ? false
              : undefined;
        if (literal !== required)
          problem(
            element,
            `webPreferences sets ${key} to ${value?.getText() ?? 'something'}, not ${required}`,
            key,
          );
      }
    }
    for (const key of forbiddenWebPreferences) {
      for (const element of namedProperty(object, key))
        problem(element, `webPreferences sets ${key}, which Ferry never enables`, key);
    }
  };

  const judged = new Set<ts.ObjectLiteralExpression>();
  const judgeOnce = (object: ts.ObjectLiteralExpression): void => {
    if (judged.has(object)) return;
    judged.add(object);
    judgePreferences(object);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node)) {
      const isPreferences = node.properties.some(
        (property) => property.name !== undefined && markerKeys.has(propertyName(property.name) ?? ''),
      );
      if (isPreferences) judgeOnce(node);
      for (const property of namedProperty(node, 'webPreferences')) {
        const value = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : undefined;
        const objects = value === undefined ? null : preferencesObjects(value, returnsOf);
        if (objects === null)
          problem(
            property,
            `webPreferences from ${value?.getText().slice(0, 80) ?? 'a shorthand'}: the check can only read an object literal, or a function of this file that returns one`,
          );
        else for (const object of objects) judgeOnce(object);
      }
    }
    if (ts.isNewExpression(node)) {
      const callee = unwrap(node.expression);
      const className = ts.isIdentifier(callee)
        ? callee.text
        : ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : undefined;
      if (className !== undefined && windowClasses.has(className)) {
        windows++;
        const options = node.arguments?.[0] === undefined ? undefined : unwrap(node.arguments[0]);
        if (
          options === undefined ||
          !ts.isObjectLiteralExpression(options) ||
          namedProperty(options, 'webPreferences').length === 0
        )
          problem(node, `new ${className}(...) without webPreferences spelled out in an object literal`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  problems.sort((a, b) => a.line - b.line);
  return { windows, problems };
}

/** The expressions a function body returns (an arrow's expression body counts), nested functions aside. */
function returnedExpressions(body: ts.Node): ts.Expression[] | null {
  if (!ts.isBlock(body)) return [body as ts.Expression];
  const found: ts.Expression[] = [];
  let bare = false;
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node)) {
      if (node.expression) found.push(node.expression);
      else bare = true;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(body, visit);
  return bare || found.length === 0 ? null : found;
}

/** The object literals a webPreferences value is made of, or null when the check cannot tell. */
function preferencesObjects(
  value: ts.Expression,
  returnsOf: ReadonlyMap<string, ts.Expression[] | null>,
): ts.ObjectLiteralExpression[] | null {
  if (ts.isObjectLiteralExpression(value)) return [value];
  if (ts.isCallExpression(value) && ts.isIdentifier(value.expression)) {
    const returned = returnsOf.get(value.expression.text);
    if (!returned) return null;
    const objects = returned.map(unwrap);
    return objects.every(ts.isObjectLiteralExpression) ? objects : null;
  }
  return null;
}

/** The JavaScript bundles of the main process and the preload, relative to the build's parent. */
async function mainBundles(outDir: string): Promise<string[]> {
  const files: string[] = [];
  for (const part of ['main', 'preload']) {
    const entries = await readdir(join(outDir, part), { recursive: true, withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of entries)
      if (entry.isFile() && /\.[cm]?js$/.test(entry.name)) files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

/** Every main and preload bundle of a build; a build without any window is a problem too. */
export async function checkBuildWebPreferences(outDir: string): Promise<WebPreferencesReport> {
  const report: WebPreferencesReport = { windows: 0, problems: [] };
  for (const path of await mainBundles(outDir)) {
    const name = join('out', relative(outDir, path)).replaceAll('\\', '/');
    const { windows, problems } = checkWebPreferences(name, await readFile(path, 'utf8'));
    report.windows += windows;
    report.problems.push(...problems);
  }
  if (report.windows === 0)
    report.problems.push({
      file: 'out/main',
      line: 0,
      message: 'no BrowserWindow found in the main bundles: the check sees nothing to judge',
    });
  return report;
}
