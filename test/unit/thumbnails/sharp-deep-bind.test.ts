// Native sharp inside a process that already mapped the system's GObject, as the Electron executable
// does on Linux (it links libgobject-2.0). sharp's libvips-cpp carries its own GObject; loaded the usual
// way, sharp's binding calls the system copy with objects the other copy made (GLib-GObject-CRITICAL,
// or a crashed main process: electron#46323, lovell/sharp#4522). LD_PRELOAD puts the system GObject in
// the process ahead of sharp here, the way Electron's own linking does; the Electron binary itself
// cannot run on this machine, so this is the stand-in, and the real-Electron suite checks the app.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { preferredSharpBuild } from '../../../main/thumbnails/sharp-loader.ts';

const loaderUrl = pathToFileURL(
  resolve(import.meta.dirname, '../../../main/thumbnails/sharp-loader.ts'),
).href;

/** The system's GObject, where a glibc Linux keeps it (Debian's multiarch folders, Fedora's lib64). */
const systemGObject = [
  `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/libgobject-2.0.so.0`,
  '/usr/lib64/libgobject-2.0.so.0',
  '/usr/lib/libgobject-2.0.so.0',
].find((path) => existsSync(path));

/** Make a thumbnail of a PNG in a fresh process whose global scope holds the system GObject first. */
async function thumbnailBeside(systemLibrary: string, load: string, env: Record<string, string> = {}) {
  const script = `
    ${load}
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#f00' } }).png().toBuffer();
    const { info } = await sharp(png).rotate().resize(32, 32, { fit: 'inside' }).webp().toBuffer({ resolveWithObject: true });
    console.log(JSON.stringify({ width: info.width, height: info.height, emscripten: 'emscripten' in sharp.versions }));
  `;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    { env: { ...process.env, ...env, LD_PRELOAD: systemLibrary }, maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = stdout.trim().split('\n');
  return { result: JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>, stderr };
}

const plainImport = `const { default: sharp } = await import('sharp');`;
const throughLoader = `
  const { loadSharp } = await import(${JSON.stringify(loaderUrl)});
  const { sharp, build } = await loadSharp({ runtime: { platform: 'linux', electron: '45.4.1' } });
  if (build !== 'native') throw new Error('expected the native build, got ' + build);
`;

describe.runIf(process.platform === 'linux' && systemGObject !== undefined)(
  'native sharp beside the system GObject (as in Electron on Linux; the Electron binary is unavailable here)',
  () => {
    it('the usual load reproduces the clash: sharp calls the system GObject with its own objects', async () => {
      const { result, stderr } = await thumbnailBeside(systemGObject!, plainImport);
      expect(result).toMatchObject({ width: 32, emscripten: false });
      // Without this the test below would prove nothing: the stand-in must show the bug first.
      expect(stderr).toMatch(/GLib-GObject-CRITICAL.*g_object_(un)?ref/);
    });

    it('loaded deep-bound, the binding binds GObject to its own libvips and nothing complains', async () => {
      expect(preferredSharpBuild({ platform: 'linux', electron: '45.4.1' })).toBe('native');
      const { result, stderr } = await thumbnailBeside(systemGObject!, throughLoader, {
        LD_DEBUG: 'bindings',
      });
      expect(result).toEqual({ width: 32, height: 24, emscripten: false });
      expect(stderr).not.toMatch(/GLib-GObject-CRITICAL/);
      const refBindings = stderr
        .split('\n')
        .filter((line) => /sharp-linux-[^ ]*\.node .* `g_object_ref'/.test(line));
      expect(refBindings.length).toBeGreaterThan(0);
      for (const line of refBindings) {
        expect(line).toMatch(/ to [^ ]*libvips-cpp\.so[^ ]* /);
        expect(line).not.toContain('libgobject-2.0.so');
      }
    });
  },
);
