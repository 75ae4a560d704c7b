import { execFile } from 'node:child_process';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredWebPreferences } from '../../../scripts/web-preferences-check.ts';
import { tempDir } from '../../support/temp.ts';

// The check of `npm test` run for real (a child process, as npm runs it) on a fresh build of this
// checkout in a temp folder, then on copies of that build with one thing made insecure: each must fail.

const root = resolve(import.meta.dirname, '../../..');
const work = tempDir('ferry-electronegativity-test-');
const built = join(work, 'built');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runCheck(outDir: string): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'scripts/electronegativity-check.ts'), outDir],
      { cwd: root, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** A copy of the build whose out/main/index.js has `from` (which must occur exactly once) replaced. */
async function variant(name: string, edit: (bundle: string) => string): Promise<string> {
  const out = join(work, name);
  await cp(built, out, { recursive: true });
  const bundlePath = join(out, 'main', 'index.js');
  const bundle = await readFile(bundlePath, 'utf8');
  const edited = edit(bundle);
  expect(edited).not.toBe(bundle);
  await writeFile(bundlePath, edited);
  return out;
}

function replaceOnce(bundle: string, from: string, to: string): string {
  expect(bundle.split(from)).toHaveLength(2);
  return bundle.replace(from, to);
}

beforeAll(async () => {
  await promisify(execFile)(
    process.execPath,
    [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', built],
    { cwd: root, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
  );
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('scripts/electronegativity-check.ts on a build of this checkout', () => {
  it('passes the build as it is, having scanned every bundle (the control for the cases below)', async () => {
    const run = await runCheck(built);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const bundle of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'])
      expect(run.stdout).toContain(bundle);
    expect(run.stdout).toMatch(/scanned \d+ files/);
  }, 180_000);

  const flips = [
    ...Object.entries(requiredWebPreferences).map(([key, value]) => ({
      key,
      edit: (bundle: string) => replaceOnce(bundle, `\t${key}: ${value},`, `\t${key}: ${!value},`),
    })),
    {
      key: 'enableBlinkFeatures',
      edit: (bundle: string) =>
        replaceOnce(
          bundle,
          '\tpreload: preloadPath,',
          '\tpreload: preloadPath,\n\t\tenableBlinkFeatures: "CSSVariables",',
        ),
    },
  ];

  it('flips the keys the task names, no fewer', () => {
    expect(flips.map((flip) => flip.key).sort()).toEqual(
      [
        'contextIsolation',
        'sandbox',
        'nodeIntegration',
        'nodeIntegrationInWorker',
        'nodeIntegrationInSubFrames',
        'webSecurity',
        'allowRunningInsecureContent',
        'experimentalFeatures',
        'enableBlinkFeatures',
        'webviewTag',
      ].sort(),
    );
  });

  it.each(flips)('fails when the window factory sets $key insecurely', async ({ key, edit }) => {
    const run = await runCheck(await variant(`flip-${key}`, edit));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`out/main/index.js`);
    expect(run.stderr).toContain(key);
  });

  it('fails new findings in the main bundle: any severity, and a second one of a justified check in a justified file', async () => {
    const injected = [
      // INFORMATIONAL: SECURITY_WARNINGS_DISABLED_JS_CHECK.
      'process.env.ELECTRON_DISABLE_SECURITY_WARNINGS = true;',
      // MEDIUM, and only seen if the scan really walks this bundle (its class private fields once
      // stopped the walk without a word).
      'function ferryInjectedEval(code) { return eval("ferry" + code); }',
      // The same code as the one justified window, in a second place: the justification covers one.
      'function ferryInjectedWindow(BrowserWindow, preloadPath) {',
      '\tconst window = new BrowserWindow({',
      '\t\twebPreferences: secureWebPreferences(preloadPath)',
      '\t});',
      '\treturn window;',
      '}',
    ].join('\n');
    const run = await runCheck(await variant('injected', (bundle) => `${bundle}\n${injected}\n`));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/INFORMATIONAL SECURITY_WARNINGS_DISABLED_JS_CHECK out\/main\/index\.js/);
    expect(run.stderr).toMatch(/MEDIUM DANGEROUS_FUNCTIONS_JS_CHECK out\/main\/index\.js/);
    expect(run.stderr).toMatch(/HIGH CONTEXT_ISOLATION_JS_CHECK out\/main\/index\.js/);
  }, 180_000);
});
