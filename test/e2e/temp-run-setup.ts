import { startTempRun } from '../support/temp-run.ts';

/**
 * Playwright's globalSetup (playwright.config.ts): the run's own temp folder, inherited by the
 * workers Playwright starts after it, and the function Playwright calls as the global teardown,
 * which fails the run when a `ferry-*` folder is left in it.
 */
// eslint-disable-next-line no-restricted-syntax -- Playwright loads a global setup by its default export.
export default function tempRunSetup(): () => void {
  return startTempRun();
}
