import { expect, test, type Page } from '@playwright/test';
import { webShellForThisFile } from '../web-shell.ts';

// The renderer's Content-Security-Policy (shared/csp.ts), as Chromium enforces it on the real page the
// web shell serves: the same policy the app:// protocol sends in Electron.

const shell = webShellForThisFile();

interface Violation {
  directive: string;
  blockedURI: string;
}

/** Open the app and start collecting CSP violation reports before anything is attempted. */
async function openApp(page: Page): Promise<void> {
  await page.goto(shell.url);
  await expect(page.getByRole('heading', { name: 'Ferry' })).toBeVisible();
  await page.evaluate(() => {
    const reports: Violation[] = [];
    (window as unknown as { cspViolations: Violation[] }).cspViolations = reports;
    document.addEventListener('securitypolicyviolation', (event) =>
      reports.push({ directive: event.effectiveDirective, blockedURI: event.blockedURI }),
    );
  });
}

const violations = (page: Page): Promise<Violation[]> =>
  page.evaluate(() => (window as unknown as { cspViolations: Violation[] }).cspViolations);

test('the page is served with the strict CSP', async ({ page }) => {
  const response = await page.goto(shell.url);
  const csp = response!.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
});

test('an injected inline <script> does not run and is reported', async ({ page }) => {
  await openApp(page);
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineScriptRan = true;';
    document.body.append(script);
  });
  await expect
    .poll(() => violations(page))
    .toContainEqual({ directive: 'script-src-elem', blockedURI: 'inline' });
  expect(
    await page.evaluate(() => (window as unknown as { inlineScriptRan?: boolean }).inlineScriptRan),
  ).toBeUndefined();
});

test('an inline event handler attribute does not run', async ({ page }) => {
  await openApp(page);
  await page.evaluate(() => {
    const image = document.createElement('img');
    image.setAttribute('src', 'data:,');
    image.setAttribute('onerror', 'window.handlerRan = true');
    document.body.append(image);
  });
  await expect
    .poll(() => violations(page))
    .toContainEqual({ directive: 'script-src-attr', blockedURI: 'inline' });
  expect(
    await page.evaluate(() => (window as unknown as { handlerRan?: boolean }).handlerRan),
  ).toBeUndefined();
});

test('eval and new Function are refused and reported', async ({ page }) => {
  await openApp(page);
  // Run later from a timer, not inside page.evaluate: DevTools lifts the eval restriction for the
  // duration of its own evaluation, so only code the page itself runs shows what the CSP does.
  await page.evaluate(() => {
    const scope = window as unknown as { codeGeneration?: Record<string, string> };
    const attempt = (run: () => unknown): string => {
      try {
        run();
        return 'ran';
      } catch (error) {
        return (error as Error).name;
      }
    };
    setTimeout(() => {
      scope.codeGeneration = {
        eval: attempt(() => window.eval('1 + 1')),
        newFunction: attempt(() => new Function('return 1')()),
      };
    }, 0);
  });
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { codeGeneration?: unknown }).codeGeneration))
    .toEqual({ eval: 'EvalError', newFunction: 'EvalError' });
  await expect.poll(() => violations(page)).toContainEqual({ directive: 'script-src', blockedURI: 'eval' });
});

test('a script from another origin is not loaded', async ({ page }) => {
  await openApp(page);
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.src = 'https://evil.example/x.js';
    document.body.append(script);
  });
  await expect
    .poll(() => violations(page))
    .toContainEqual({ directive: 'script-src-elem', blockedURI: 'https://evil.example/x.js' });
});

test('the renderer has no require, process, module, Buffer or ipcRenderer', async ({ page }) => {
  await openApp(page);
  const types = await page.evaluate(() => {
    const scope = window as unknown as Record<string, unknown>;
    return Object.fromEntries(
      ['require', 'process', 'module', 'Buffer', 'global', 'ipcRenderer', 'electron'].map((name) => [
        name,
        typeof scope[name],
      ]),
    );
  });
  expect(types).toEqual({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    Buffer: 'undefined',
    global: 'undefined',
    ipcRenderer: 'undefined',
    electron: 'undefined',
  });
});
