import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, matchesGlob, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FuseV1Options, FuseVersion, type FuseConfig } from '@electron/fuses';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { AfterPackContextLike } from '../../../build/after-pack.mjs';

// electron-builder cannot run here (it downloads Electron), so its configuration and its afterPack hook
// are checked as data and as a function run against a recording stand-in for @electron/fuses.

const root = resolve(import.meta.dirname, '../../..');
// js-yaml is what electron-builder itself parses this file with (app-builder-lib and builder-util
// depend on it); loaded by require because no @types/js-yaml is installed.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  afterPack: string;
  linux: { target: string[]; category: string; icon: string; files?: string[] };
  win: { target: string[]; icon: string };
  mac: { target: string[]; category: string; icon: string };
}

async function loadConfig(): Promise<BuilderConfig> {
  return yaml.load(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

/** What electron-builder's matcher does with a path: the last pattern that matches decides. */
function included(patterns: readonly string[], path: string): boolean {
  let result = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (matchesGlob(path, negated ? pattern.slice(1) : pattern)) result = !negated;
  }
  return result;
}

// electron-builder's own schema check, the one `electron-builder` runs first (app-builder-lib is the
// package electron-builder is built on).
const requireHere = createRequire(import.meta.url);
const { validateConfiguration } = requireHere('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = requireHere('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder.yml', () => {
  it("is valid for electron-builder's own schema, which refuses an unknown key", async () => {
    const config = await loadConfig();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    const misspelt = { ...config, linux: { ...config.linux, categroy: 'Network' } };
    await expect(validateConfiguration(misspelt, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration/,
    );
  });

  it('names the app and builds AppImage + deb, nsis and dmg', async () => {
    const config = await loadConfig();
    expect(config.appId).toBe('app.ferry.desktop');
    expect(config.productName).toBe('Ferry');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.linux.category).toBe('Network');
    expect(config.win.target).toEqual(['nsis']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.mac.category).toBe('public.app-category.productivity');
    expect(config.directories.buildResources).toBe('build');
  });

  it('points at icons that exist and are what each platform expects', async () => {
    const config = await loadConfig();
    expect(config.linux.icon).toBe('build/icons');
    for (const size of [256, 512]) {
      const metadata = await sharp(join(root, config.linux.icon, `${size}x${size}.png`)).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', size, size]);
    }
    const ico = await readFile(join(root, config.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1); // icon resource
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    expect(sizes).toContain(256); // electron-builder refuses an .ico without a 256 px image
    const icns = await readFile(join(root, config.mac.icon));
    expect(icns.subarray(0, 4).toString('ascii')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    expect(icns.includes(Buffer.from('ic09'))).toBe(true); // 512 px
  });

  it('packs the build into asar and unpacks the native and wasm modules', async () => {
    const config = await loadConfig();
    expect(config.asar).toBe(true);
    for (const file of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/sharp/dist/index.cjs',
      'node_modules/@img/sharp-wasm32/lib/sharp-wasm32.node.wasm',
      'node_modules/@img/sharp-win32-x64/lib/sharp-win32-x64.node',
    ])
      expect(
        config.asarUnpack.some((pattern) => matchesGlob(file, pattern)),
        file,
      ).toBe(true);
    expect(included(config.files, 'out/main/index.js')).toBe(true);
    expect(included(config.files, 'out/main/index.js.map')).toBe(false);
  });

  it("ships sharp's native Linux build (loaded deep-bound) beside the wasm build", async () => {
    const config = await loadConfig();
    const linuxFiles = [...config.files, ...(config.linux.files ?? [])];
    // Both are collected from node_modules; nothing removes either from the Linux package.
    for (const file of [
      'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node',
      'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.18.7',
      'node_modules/@img/sharp-wasm32/lib/sharp-wasm32.node.wasm',
    ])
      expect(
        linuxFiles.some((p) => p.startsWith('!') && matchesGlob(file, p.slice(1))),
        file,
      ).toBe(false);
    expect(
      included(config.asarUnpack, 'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node'),
    ).toBe(true);
  });

  it('runs the fuse hook after packing, and `npm run dist` builds then packages', async () => {
    const config = await loadConfig();
    expect(config.afterPack).toBe('./build/after-pack.mjs');
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    // The build includes the CLI bundle (out/cli), which the package ships beside the app.
    expect(pkg.scripts.dist).toMatch(/^npm run build && electron-builder\b/);
    expect(pkg.scripts.build).toMatch(/^electron-vite build && node scripts\/build-cli.ts$/);
    // sharp's loader requires the wasm build to be exactly sharp's version.
    expect(pkg.dependencies['@img/sharp-wasm32']).toBe(pkg.dependencies.sharp);
  });
});

/** What the hook passed to flipFuses, per call. */
async function runHook(context: AfterPackContextLike): Promise<Array<{ path: string; config: FuseConfig }>> {
  const { afterPack } = await import('../../../build/after-pack.mjs');
  const calls: Array<{ path: string; config: FuseConfig }> = [];
  await afterPack(context, async (path, config) => {
    calls.push({ path, config });
    return 0;
  });
  return calls;
}

const packager = { appInfo: { productFilename: 'Ferry' }, executableName: 'ferry' };

describe('build/after-pack.mjs (recording flipFuses: packaging cannot run here)', () => {
  it('sets exactly the six fuses, each to its value', async () => {
    const [call] = await runHook({
      appOutDir: '/o/linux-unpacked',
      electronPlatformName: 'linux',
      arch: 1,
      packager,
    });
    const { version, resetAdHocDarwinSignature, ...fuses } = call!.config as FuseConfig &
      Record<string, unknown>;
    expect(version).toBe(FuseVersion.V1);
    expect(resetAdHocDarwinSignature).toBe(false);
    expect(fuses).toEqual({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
    });
  });

  it.each([
    ['linux', 1, '/o/linux-unpacked/ferry', false],
    ['win32', 1, '/o/win-unpacked/Ferry.exe', false],
    ['darwin', 1, '/o/mac/Ferry.app', false],
    ['darwin', 3, '/o/mac/Ferry.app', true],
  ] as const)(
    'flips the packed binary on %s (arch %i) once',
    async (platform, arch, expected, resetSignature) => {
      const appOutDir = expected.slice(0, expected.lastIndexOf('/'));
      const calls = await runHook({ appOutDir, electronPlatformName: platform, arch, packager });
      expect(calls.map((c) => c.path)).toEqual([expected]);
      expect(calls[0]!.config.resetAdHocDarwinSignature).toBe(resetSignature);
    },
  );

  it('fails the build on a platform it does not know rather than shipping unfused', async () => {
    await expect(
      runHook({ appOutDir: '/o', electronPlatformName: 'aix', arch: 1, packager }),
    ).rejects.toThrow(/aix/);
  });
});

describe('sharp without its native Linux packages (child Node; e.g. a repackaging that strips them)', () => {
  it('a plain import of sharp lands on the wasm build and still decodes images', async () => {
    // A resolve hook stands in for the stripped packages: the native Linux packages cannot be found.
    const script = `
      import { registerHooks } from 'node:module';
      registerHooks({
        resolve(specifier, context, next) {
          if (/^@img\\/sharp-(libvips-)?linux/.test(specifier)) throw new Error('excluded from the Linux package');
          return next(specifier, context);
        },
      });
      const { default: sharp } = await import('sharp');
      const png = await sharp({ create: { width: 8, height: 4, channels: 3, background: '#f00' } }).png().toBuffer();
      const meta = await sharp(png).metadata();
      console.log(JSON.stringify({ wasm: 'emscripten' in sharp.versions, width: meta.width, height: meta.height }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      timeout: 30_000,
    });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ wasm: true, width: 8, height: 4 });
  });
});
