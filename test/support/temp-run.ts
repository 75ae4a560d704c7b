import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every temp folder Ferry and its tests make starts with this (tempDir's prefixes, the sandbox's, the e2e's). */
export const ferryTempPrefix = 'ferry-';
/** Folders the app shares between uploads and keeps by design: only what is left inside them counts. */
const sharedParents = ['ferry-derivatives'];

/**
 * Start a test run in a temp folder of its own: TMPDIR points into it, so the workers and every
 * process they start (CLI runs, web shells, crash children) make their temp folders there. Other test
 * runs share the machine's temp folder at the same time; only this folder says what this run left.
 * Returns the check for the end of the run: it removes the folder and throws, naming each
 * `ferry-*` entry still in it. Other tools' entries (Node's compile cache, browser profiles) are not
 * Ferry's to clean and are only removed.
 */
export function startTempRun(): () => void {
  const systemTemp = tmpdir();
  const runDir = mkdtempSync(join(systemTemp, `${ferryTempPrefix}run-${process.pid}-`));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = runDir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    const leftovers = ferryLeftovers(runDir);
    rmSync(runDir, { recursive: true, force: true });
    if (leftovers.length > 0)
      throw new Error(
        `The test run left ${leftovers.length} temp folder(s) behind (now removed); ` +
          `the tests that make them must remove them:\n${leftovers.map((name) => `  ${name}`).join('\n')}`,
      );
  };
}

function ferryLeftovers(runDir: string): string[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir)
    .filter((name) => name.startsWith(ferryTempPrefix))
    .flatMap((name) =>
      sharedParents.includes(name)
        ? readdirSync(join(runDir, name)).map((child) => `${name}/${child}`)
        : [name],
    )
    .sort();
}

/** Vitest's globalSetup: runs in the main process before the workers start, so they inherit TMPDIR. */
export function setup(): () => void {
  return startTempRun();
}
