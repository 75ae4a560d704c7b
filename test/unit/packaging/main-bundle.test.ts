import { resolve } from 'node:path';
import { resolveConfig } from 'electron-vite';
import { build, type Rolldown } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';

// The main process is bundled here, in memory, with the project's own electron-vite configuration
// (not read from out/, which may be older than the sources), and the bundler's own record of which
// modules went into which chunk is checked.

type OutputChunk = Rolldown.OutputChunk;

const root = resolve(import.meta.dirname, '../../..');

/**
 * Code that only `npm run sandbox` and the tests need: the emulators of every provider but the one
 * behind the Sandbox account, and the real servers the S3 and tus emulators wrap. Paths are matched
 * as module ids, so a provider's own adapter (main/providers/easemob/…) is not caught by mistake.
 */
const testOnly: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'the IM file API emulator', pattern: /\/main\/sandbox\/im-file-api\// },
  { name: 'the Easemob emulator', pattern: /\/main\/sandbox\/easemob\// },
  { name: 'the OPPO push emulator', pattern: /\/main\/sandbox\/oppo-push\// },
  { name: 'the S3 emulator', pattern: /\/main\/sandbox\/s3\// },
  { name: 'the tus emulator', pattern: /\/main\/sandbox\/tus\// },
  { name: 's3rver', pattern: /\/node_modules\/s3rver\// },
  { name: '@tus/server', pattern: /\/node_modules\/@tus\/server\// },
  { name: '@tus/file-store', pattern: /\/node_modules\/@tus\/file-store\// },
];

async function bundleMain(): Promise<OutputChunk[]> {
  const resolved = await resolveConfig(
    { configFile: resolve(root, 'electron.vite.config.ts'), logLevel: 'silent' },
    'build',
    'production',
  );
  const main = resolved.config?.main;
  if (!main) throw new Error('electron.vite.config.ts has no main build');
  const output = (await build({
    ...main,
    logLevel: 'silent',
    build: { ...main.build, write: false },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  return (Array.isArray(output) ? output : [output])
    .flatMap((result) => result.output)
    .filter((item): item is OutputChunk => item.type === 'chunk');
}

/** The entry chunk and every chunk it imports statically: what is loaded when the app starts. */
function startupChunks(chunks: readonly OutputChunk[]): OutputChunk[] {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const entry = chunks.find((chunk) => chunk.isEntry);
  if (!entry) throw new Error('the main build has no entry chunk');
  const seen = new Map<string, OutputChunk>();
  const visit = (chunk: OutputChunk) => {
    if (seen.has(chunk.fileName)) return;
    seen.set(chunk.fileName, chunk);
    for (const name of chunk.imports) {
      const imported = byName.get(name);
      if (imported) visit(imported); // else an external module (a dependency, a Node built-in)
    }
  };
  visit(entry);
  return [...seen.values()];
}

describe('the main-process bundle (out/main/index.js and what it imports at start)', () => {
  let startup: OutputChunk[];
  beforeAll(async () => {
    startup = startupChunks(await bundleMain());
  }, 120_000);

  it('holds the service (so the module ids below are really the bundled ones)', () => {
    const ids = startup.flatMap((chunk) => chunk.moduleIds).map((id) => id.replaceAll('\\', '/'));
    expect(ids.some((id) => id.endsWith('/main/service.ts'))).toBe(true);
    expect(ids.some((id) => id.endsWith('/main/electron/main.ts'))).toBe(true);
  });

  it('holds no emulator but the Sandbox account’s, and neither s3rver nor @tus/server', () => {
    const found = startup.flatMap((chunk) =>
      chunk.moduleIds
        .map((id) => id.replaceAll('\\', '/'))
        .flatMap((id) =>
          testOnly
            .filter(({ pattern }) => pattern.test(id))
            .map(({ name }) => `${name}: ${id.slice(id.lastIndexOf('/main/') + 1)} in ${chunk.fileName}`),
        ),
    );
    expect(found).toEqual([]);
  });
});
