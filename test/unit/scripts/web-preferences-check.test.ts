import { describe, expect, it } from 'vitest';
import {
  checkWebPreferences,
  requiredWebPreferences,
  type WebPreferencesReport,
} from '../../../scripts/web-preferences-check.ts';

// The shape electron-vite gives main/electron/main-window.ts in out/main/index.js: the window gets its
// preferences from a helper, which electronegativity cannot follow.
const secureBody = [
  'preload: preloadPath,',
  'contextIsolation: true,',
  'sandbox: true,',
  'nodeIntegration: false,',
  'nodeIntegrationInWorker: false,',
  'nodeIntegrationInSubFrames: false,',
  'webSecurity: true,',
  'allowRunningInsecureContent: false,',
  'experimentalFeatures: false,',
  'webviewTag: false,',
  'navigateOnDragDrop: false',
].join('\n\t\t');

function bundle(
  body = secureBody,
  windowOptions = 'webPreferences: secureWebPreferences(preloadPath)',
): string {
  return `function secureWebPreferences(preloadPath) {
\treturn {
\t\t${body}
\t};
}
function createMainWindow(options) {
\tconst { BrowserWindow, preloadPath } = options;
\tconst window = new BrowserWindow({
\t\twidth: 1100,
\t\t${windowOptions}
\t});
\treturn window;
}`;
}

const keysOf = (report: WebPreferencesReport) => report.problems.map((problem) => problem.key ?? null);

describe('checkWebPreferences', () => {
  it('passes the secure preferences built by a helper, and counts the window', () => {
    expect(checkWebPreferences('out/main/index.js', bundle())).toEqual({ windows: 1, problems: [] });
  });

  it('passes the secure preferences written inline', () => {
    const inline = `const w = new electron.BrowserWindow({ webPreferences: { ${secureBody} } });`;
    expect(checkWebPreferences('out/main/index.js', inline)).toEqual({ windows: 1, problems: [] });
  });

  const flips = Object.entries(requiredWebPreferences).map(([key, value]) => ({
    key,
    from: `${key}: ${value},`,
    to: `${key}: ${!value},`,
  }));

  it.each(flips)('fails $key flipped to the insecure value, at its line', ({ key, from, to }) => {
    expect(secureBody).toContain(from);
    const report = checkWebPreferences('out/main/index.js', bundle(secureBody.replace(from, to)));
    expect(keysOf(report)).toEqual([key]);
    expect(report.problems[0]!.line).toBe(3 + secureBody.split('\n').findIndex((l) => l.includes(from)));
  });

  it.each(Object.keys(requiredWebPreferences))('fails %s left out', (key) => {
    const body = secureBody
      .split('\n')
      .filter((line) => !line.includes(`${key}:`))
      .join('\n');
    expect(keysOf(checkWebPreferences('out/main/index.js', bundle(body)))).toEqual([key]);
  });

  it('fails enableBlinkFeatures set to anything', () => {
    const report = checkWebPreferences(
      'out/main/index.js',
      bundle(`enableBlinkFeatures: "CSSVariables",\n${secureBody}`),
    );
    expect(keysOf(report)).toEqual(['enableBlinkFeatures']);
  });

  it.each([
    ['a computed value', 'contextIsolation: isolate,', 'contextIsolation'],
    ['a truthy stand-in', 'contextIsolation: !0,', 'contextIsolation'],
    ['a string', 'sandbox: "true",', 'sandbox'],
  ])('fails %s where a boolean literal belongs', (_what, line, key) => {
    const from = `${key}: ${requiredWebPreferences[key as keyof typeof requiredWebPreferences]},`;
    expect(keysOf(checkWebPreferences('out/main/index.js', bundle(secureBody.replace(from, line))))).toEqual([
      key,
    ]);
  });

  it('fails a spread, which could bring any value', () => {
    const report = checkWebPreferences('out/main/index.js', bundle(`...extra,\n${secureBody}`));
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]!.message).toMatch(/spread/);
  });

  it.each([
    ['a variable', 'webPreferences: prefs'],
    ['a call of an unknown function', 'webPreferences: otherPreferences(preloadPath)'],
    ['a member', 'webPreferences: options.webPreferences'],
  ])('fails webPreferences from %s it cannot read', (_what, windowOptions) => {
    const report = checkWebPreferences('out/main/index.js', bundle(secureBody, windowOptions));
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]!.message).toMatch(/webPreferences/);
  });

  it('fails a window without webPreferences, or with options it cannot read', () => {
    expect(checkWebPreferences('x.js', 'new BrowserWindow({ width: 1 })').problems).toHaveLength(1);
    expect(checkWebPreferences('x.js', 'new BrowserView(options)').problems).toHaveLength(1);
    expect(checkWebPreferences('x.js', 'new WebContentsView()').problems).toHaveLength(1);
  });

  it('fails a helper that can return something else', () => {
    const source = bundle().replace('\treturn {', '\tif (preloadPath === "") return {};\n\treturn {');
    expect(checkWebPreferences('out/main/index.js', source).problems).not.toEqual([]);
  });

  it('ignores code without windows or preferences', () => {
    expect(checkWebPreferences('x.js', 'const sandbox = { sandbox: false }; new Map();')).toEqual({
      windows: 0,
      problems: [],
    });
  });
});
