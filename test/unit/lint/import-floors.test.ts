import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The real eslint.config.js on small sources that exist only in memory: each file path places the
// source on a floor (the folder must exist, so that its relative imports resolve to real modules).
const repoRoot = resolve(import.meta.dirname, '../../..');
const eslint = new ESLint({ cwd: repoRoot });

async function problems(
  filePath: string,
  code: string,
): Promise<Array<{ rule: string | null; message: string }>> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, filePath) });
  return result!.messages.map((message) => ({ rule: message.ruleId, message: message.message }));
}

async function rulesFired(filePath: string, code: string): Promise<Array<string | null>> {
  return (await problems(filePath, code)).map((problem) => problem.rule);
}

describe('the floors of main/ (import-x/no-restricted-paths)', () => {
  it.each([
    [
      'main/net imports engine',
      'main/net/probe.ts',
      "import { retryDelayMs } from '../engine/retry-policy.ts';",
    ],
    [
      'main/providers imports engine',
      'main/providers/probe.ts',
      "import { UploadEngine } from '../engine/upload-engine.ts';",
    ],
    [
      'main/store imports vault (a type is enough)',
      'main/store/probe.ts',
      "import type { SecretCipher } from '../vault/secret-cipher.ts';",
    ],
    [
      'main/thumbnails imports providers',
      'main/thumbnails/probe.ts',
      "import { providerRegistry } from '../providers/registry.ts';",
    ],
    [
      'main/providers imports its sibling sandbox',
      'main/providers/probe.ts',
      "import { startSandbox } from '../sandbox/sandbox.ts';",
    ],
    [
      'main/sandbox imports its sibling providers',
      'main/sandbox/probe.ts',
      "import { multipartFileForm } from '../providers/multipart-form.ts';",
    ],
    [
      'main/log imports providers',
      'main/log/probe.ts',
      "import type { Provider } from '../providers/provider.ts';",
    ],
    [
      'main/engine imports the service',
      'main/engine/probe.ts',
      "import { createService } from '../service.ts';",
    ],
    [
      'main/contract-dispatch.ts imports the service',
      'main/contract-dispatch.ts',
      "import { createService } from './service.ts';",
    ],
    [
      'the service imports a transport',
      'main/service.ts',
      "import { startWebShell } from './web/web-shell-server.ts';",
    ],
    ['main/web imports the CLI', 'main/web/probe.ts', "import { parseArgs } from '../cli/args.ts';"],
    [
      'shared/ imports main/',
      'shared/probe.ts',
      "import { UploadError } from '../main/net/upload-error.ts';",
    ],
    [
      'renderer/ imports main/',
      'renderer/probe.ts',
      "import { UploadError } from '../main/net/upload-error.ts';",
    ],
  ])('refuses a back-arrow: %s', async (_case, filePath, importLine) => {
    expect(await rulesFired(filePath, `${importLine}\nexport const probe = 1;\n`)).toContain(
      'import-x/no-restricted-paths',
    );
  });

  it.each([
    [
      'main/providers',
      'main/providers/probe.ts',
      [
        '../net/upload-error.ts',
        '../log/redactor.ts',
        '../thumbnails/sharp-loader.ts',
        '../store/database.ts',
      ],
    ],
    [
      'main/sandbox',
      'main/sandbox/probe.ts',
      ['../thumbnails/sharp-loader.ts', '../net/http-failure.ts', './loopback-server.ts'],
    ],
    [
      'main/engine',
      'main/engine/probe.ts',
      ['../providers/provider.ts', '../store/task-journal.ts', '../net/retry-after.ts'],
    ],
    ['main/vault', 'main/vault/probe.ts', ['../store/database.ts']],
    [
      'main/service.ts',
      'main/service.ts',
      ['./engine/upload-engine.ts', './contract-dispatch.ts', './file-names.ts', './sandbox/sandbox.ts'],
    ],
    [
      'main/web',
      'main/web/probe.ts',
      ['../service.ts', '../contract-dispatch.ts', '../file-names.ts', '../app-paths.ts'],
    ],
    ['shared/', 'shared/probe.ts', ['./errors.ts']],
  ])('lets %s import down and sideways within itself', async (_case, filePath, targets) => {
    const code =
      targets.map((target, index) => `import * as module${index} from '${target}';`).join('\n') +
      `\nexport const probe = [${targets.map((_target, index) => `module${index}`).join(', ')}];\n`;
    expect(await problems(filePath, code)).toEqual([]);
  });

  it('puts every folder and top-level file of main/ on a floor', async () => {
    const unplaced: string[] = [];
    for (const entry of readdirSync(join(repoRoot, 'main'), { withFileTypes: true })) {
      if (entry.isFile() && (!entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts'))) continue;
      const path = join(repoRoot, 'main', entry.name, ...(entry.isDirectory() ? ['probe.ts'] : []));
      const config = (await eslint.calculateConfigForFile(path)) as {
        rules: Record<string, [unknown, { basePath: string; zones: Array<{ target: string[] }> }]>;
      };
      const { basePath, zones } = config.rules['import-x/no-restricted-paths']![1];
      const covered = zones.some((zone) =>
        zone.target.some((target) => !relative(resolve(basePath, target), path).startsWith('..')),
      );
      if (!covered) unplaced.push(`main/${entry.name}`);
    }
    expect(unplaced).toEqual([]);
  });
});

describe('one door to sharp', () => {
  it.each([
    [
      'a static import',
      'main/sandbox/probe.ts',
      "import sharp from 'sharp';\nexport const probe = sharp;",
      'no-restricted-imports',
    ],
    [
      'a type import',
      'main/thumbnails/probe.ts',
      "import type { Metadata } from 'sharp';\nexport type Probe = Metadata;",
      'no-restricted-imports',
    ],
    [
      'a dynamic import',
      'main/providers/probe.ts',
      "export const probe = () => import('sharp');",
      'no-restricted-syntax',
    ],
    [
      'a require',
      'scripts/probe.ts',
      "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const probe = require('sharp');",
      'no-restricted-syntax',
    ],
  ])('refuses sharp outside the loader: %s', async (_case, filePath, code, rule) => {
    expect(await rulesFired(filePath, `${code}\n`)).toContain(rule);
  });

  it('lets the loader import sharp, as it is written', async () => {
    const loader = 'main/thumbnails/sharp-loader.ts';
    expect(await problems(loader, readFileSync(join(repoRoot, loader), 'utf8'))).toEqual([]);
  });

  it('lets tests use sharp directly', async () => {
    const code = "import sharp from 'sharp';\nexport const probe = () => [sharp, import('sharp')];\n";
    expect(await problems('test/unit/probe.test.ts', code)).toEqual([]);
  });
});

describe('no cycles (import-x/no-cycle)', () => {
  // store/database.ts imports store/migrations.ts, and store/backups.ts imports database.ts.
  it('refuses a module that imports its own importer', async () => {
    const code =
      "import { openDatabase } from './database.ts';\nexport const migrations = [String(openDatabase)];\n";
    expect(await rulesFired('main/store/migrations.ts', code)).toEqual(['import-x/no-cycle']);
  });

  it('refuses a loop through several modules', async () => {
    const code =
      "import { backupDatabase } from './backups.ts';\nexport const migrations = [String(backupDatabase)];\n";
    expect(await rulesFired('main/store/migrations.ts', code)).toEqual(['import-x/no-cycle']);
  });

  it('accepts the real module as it is written', async () => {
    const migrations = 'main/store/migrations.ts';
    expect(await problems(migrations, readFileSync(join(repoRoot, migrations), 'utf8'))).toEqual([]);
  });
});
