/**
 * Builds `ferry` (main/cli.ts) into plain JavaScript under out/cli/: `out/cli/ferry.mjs` and its lazily
 * loaded chunks. A short command (`ferry accounts list`) spends most of its start loading code, and run
 * from the sources Node first loads its TypeScript stripper (~17 MiB) and resolves every module of
 * zod, got and pino file by file; one bundle does neither (`npm run bench -- --only cliAtRest`).
 *
 * Left outside the bundle, loaded from node_modules as they are: native addons and what they load
 * (better-sqlite3, sharp and its @img builds), and the packages only the sandbox's emulators use,
 * which a command loads only when it reaches the built-in Sandbox account.
 *
 * Every file lands in out/cli/ itself, at the depth of main/cli/: `../../package.json` (the version)
 * means the project's package.json from both.
 */
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'rolldown';

const root = resolve(import.meta.dirname, '..');

export const externalPackages: readonly string[] = [
  'better-sqlite3',
  'sharp',
  '@img/',
  'electron',
  's3rver',
  '@tus/server',
  '@tus/file-store',
  'busboy',
  'ws',
];

const builtins = new Set(builtinModules);

export function isExternal(id: string): boolean {
  if (id.startsWith('node:') || builtins.has(id)) return true;
  return externalPackages.some((name) =>
    name.endsWith('/') ? id.startsWith(name) : id === name || id.startsWith(`${name}/`),
  );
}

export async function buildCli(outDir = resolve(root, 'out/cli')): Promise<void> {
  await build({
    input: resolve(root, 'main/cli.ts'),
    platform: 'node',
    external: isExternal,
    logLevel: 'warn',
    // s3rver's dependency depd uses a direct eval; it is external here, but say nothing if another does.
    onLog: (level, log, handler) => {
      if (log.code === 'EVAL') return;
      handler(level, log);
    },
    output: {
      dir: outDir,
      format: 'esm',
      entryFileNames: 'ferry.mjs',
      chunkFileNames: '[name]-[hash].mjs',
      cleanDir: true,
    },
  });
}

if (import.meta.main) {
  await buildCli(process.argv[2] === undefined ? undefined : resolve(process.argv[2]));
}
