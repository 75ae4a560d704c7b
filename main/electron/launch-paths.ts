import { stat as fsStat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** uploads.add takes at most this many paths at once (shared/contract.ts). */
export const maxLaunchPaths = 10_000;

/**
 * How many leading arguments are Electron's rather than the user's: the executable, and in
 * development (`electron .`, process.defaultApp) also the app's folder, which must not be uploaded.
 */
export function leadingArgCount(defaultApp: boolean | undefined): number {
  return defaultApp === true ? 2 : 1;
}

/**
 * The arguments of a command line that may name files: past the leading ones, not switches (Chromium
 * adds its own to a second instance's argv, macOS adds -psn_…), and file:// URLs (Linux desktop
 * entries pass %U) as paths. Other URLs are ignored.
 */
export function candidatePaths(argv: readonly string[], leading: number): string[] {
  const paths: string[] = [];
  for (const arg of argv.slice(leading)) {
    if (arg === '' || arg.startsWith('-')) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
      if (!arg.toLowerCase().startsWith('file://')) continue;
      try {
        paths.push(fileURLToPath(arg));
      } catch {
        // A file URL for another host or a malformed one names nothing here.
      }
      continue;
    }
    paths.push(arg);
  }
  return paths;
}

export interface PathStat {
  isFile(): boolean;
  isDirectory(): boolean;
}

/**
 * Keep the candidates that exist and are regular files or folders (following links), made absolute
 * against the directory the command was run in, without duplicates and at most `maxLaunchPaths`.
 * Folders are passed on as they are: what uploads.add does with one is the engine's policy.
 */
export async function existingPaths(
  candidates: readonly string[],
  workingDirectory: string,
  stat: (path: string) => Promise<PathStat> = fsStat,
): Promise<string[]> {
  const absolute = [
    ...new Set(
      candidates.map((path) => (isAbsolute(path) ? resolve(path) : resolve(workingDirectory, path))),
    ),
  ].slice(0, maxLaunchPaths);
  const checked = await Promise.all(
    absolute.map(async (path) => {
      try {
        const info = await stat(path);
        return info.isFile() || info.isDirectory() ? path : null;
      } catch {
        return null;
      }
    }),
  );
  return checked.filter((path): path is string => path !== null);
}
