import { createRequire, Module } from 'node:module';
import { dirname, sep } from 'node:path';
import type sharpModule from 'sharp';

/** sharp's default export: the constructor with its utilities (format, versions, concurrency ...). */
export type Sharp = typeof sharpModule;

// This module is the one door to sharp (lint refuses `sharp` anywhere else in the app), types included.
export type { Metadata, OutputInfo } from 'sharp';

/**
 * Which libvips sharp runs on. `native`: sharp's prebuilt binary for the platform (@img/sharp-<platform>),
 * fast, multi-threaded. `wasm`: @img/sharp-wasm32, libvips compiled to WebAssembly: slower, but it
 * brings no shared libraries into the process, so it cannot clash with Electron's own GLib.
 */
export type SharpBuild = 'native' | 'wasm';

export interface LoadedSharp {
  sharp: Sharp;
  build: SharpBuild;
  /** Set when the preferred build could not be loaded and the other one is used instead. */
  fallbackReason?: string | undefined;
}

export interface SharpRuntime {
  platform: NodeJS.Platform;
  /** process.versions.electron: set only inside Electron. */
  electron?: string | undefined;
}

export interface LoadSharpOptions {
  /** Default: preferredSharpBuild() for this process. */
  prefer?: SharpBuild;
  /** Where the decision is made for; default: this process. */
  runtime?: SharpRuntime;
}

/** The npm package holding sharp's WebAssembly build; its version must equal sharp's. */
export const wasmSharpPackage = '@img/sharp-wasm32';

// Not named `require`: electron-vite's ESM shim declares a module-level `require` in the bundle, and a
// second declaration makes out/main/index.js a SyntaxError.
const requireHere = createRequire(import.meta.url);
const thisRuntime: SharpRuntime = { platform: process.platform, electron: process.versions.electron };

/**
 * Electron on Linux is the one place the native build is a hazard: sharp's libvips and Electron's
 * binary each bring their own GLib, and the first decode can SIGSEGV the whole main process
 * (electron#46323, sharp's "Electron and Linux" install note). Everywhere else native is simply faster.
 */
export function nativeSharpIsHazardous(runtime: SharpRuntime = thisRuntime): boolean {
  return runtime.platform === 'linux' && runtime.electron !== undefined;
}

export function preferredSharpBuild(runtime: SharpRuntime = thisRuntime): SharpBuild {
  return nativeSharpIsHazardous(runtime) ? 'wasm' : 'native';
}

/** True when @img/sharp-wasm32 can be resolved from here (it is an optional, separately added package). */
export function wasmSharpInstalled(): boolean {
  try {
    requireHere.resolve(`${wasmSharpPackage}/sharp.node`);
    return true;
  } catch {
    return false;
  }
}

/** The builds this process can load, native first; for tests that run once per build. */
export async function availableSharpBuilds(): Promise<SharpBuild[]> {
  const builds: SharpBuild[] = [];
  for (const build of ['native', 'wasm'] as const) {
    try {
      await loadBuild(build);
      builds.push(build);
    } catch {
      // Not installed or not loadable here: simply not available.
    }
  }
  return builds;
}

/** Which build an already loaded sharp runs on (the wasm build reports its emscripten version). */
export function sharpBuildOf(sharp: Sharp): SharpBuild {
  return 'emscripten' in sharp.versions ? 'wasm' : 'native';
}

/**
 * Load sharp on the build chosen for this platform (or `prefer`). When the preferred build is missing,
 * the other one is used and `fallbackReason` says why, except that native is never loaded where it is
 * hazardous (Electron on Linux): there the missing wasm build is an error, because a thumbnail is not
 * worth a crashed main process.
 *
 * Why not `import('sharp')` for wasm: sharp 0.35's own loader (dist/sharp.mjs) has no switch for it. It
 * tries a local build, then @img/sharp-<platform>, and only when that fails @img/sharp-wasm32; there is
 * no environment variable. So either the Linux package leaves the native @img/sharp-linux-* packages
 * out (then plain `import('sharp')` lands on wasm by itself), or, as here, a separate copy of sharp's
 * JavaScript is bound to the wasm binary without the native one ever being loaded. Both work; this one
 * does not depend on packaging getting the exclusion right, and lets tests run both builds side by side.
 */
export async function loadSharp(options: LoadSharpOptions = {}): Promise<LoadedSharp> {
  const runtime = options.runtime ?? thisRuntime;
  const prefer = options.prefer ?? preferredSharpBuild(runtime);
  try {
    return { sharp: await loadBuild(prefer), build: prefer };
  } catch (preferredError) {
    const reason = `sharp's ${prefer} build could not be loaded (${messageOf(preferredError)})`;
    const other: SharpBuild = prefer === 'wasm' ? 'native' : 'wasm';
    if (other === 'native' && nativeSharpIsHazardous(runtime)) {
      throw new Error(
        `${reason}; the native build is not loaded inside Electron on Linux (its GLib clashes with ` +
          `Electron's). Add ${wasmSharpPackage} (same version as sharp) to the Linux package.`,
        { cause: preferredError },
      );
    }
    try {
      return { sharp: await loadBuild(other), build: other, fallbackReason: `${reason}; using ${other}.` };
    } catch (otherError) {
      throw new Error(`${reason}, nor its ${other} build (${messageOf(otherError)}).`, { cause: otherError });
    }
  }
}

// One instance per build per process: each wasm instance holds its own libvips heap.
const loadedBuilds = new Map<SharpBuild, Promise<Sharp>>();

function loadBuild(build: SharpBuild): Promise<Sharp> {
  let loading = loadedBuilds.get(build);
  if (loading === undefined) {
    loading = build === 'native' ? import('sharp').then((module) => module.default) : loadWasmSharp();
    // A failed load is remembered too: a missing package does not appear between two calls.
    loadedBuilds.set(build, loading);
  }
  return loading;
}

/**
 * A copy of sharp's CommonJS files whose `./sharp.cjs` (the module that picks and loads the binary) is
 * replaced by the wasm binary. The require cache is swapped only for the duration of this synchronous
 * require and then restored, so anyone else's `require('sharp')` still gets the usual instance.
 */
async function loadWasmSharp(): Promise<Sharp> {
  const binding: unknown = requireHere(`${wasmSharpPackage}/sharp.node`);
  const entry = requireHere.resolve('sharp'); // .../sharp/dist/index.cjs
  const distDir = dirname(entry) + sep;
  const ownsFile = (file: string) => file.startsWith(distDir);
  const cache = requireHere.cache;
  const saved = new Map<string, NodeJS.Module | undefined>();
  for (const file of Object.keys(cache)) {
    if (ownsFile(file)) {
      saved.set(file, cache[file]);
      delete cache[file];
    }
  }
  try {
    const loaderFile = `${distDir}sharp.cjs`;
    const loader = new Module(loaderFile);
    loader.filename = loaderFile;
    loader.exports = binding;
    loader.loaded = true;
    cache[loaderFile] = loader;
    return requireHere(entry) as Sharp;
  } finally {
    for (const file of Object.keys(cache)) if (ownsFile(file)) delete cache[file];
    for (const [file, module] of saved) if (module !== undefined) cache[file] = module;
  }
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // sharp's "could not load" message is a page of install advice; its first line is the fact.
  return message.split('\n')[0] ?? message;
}
