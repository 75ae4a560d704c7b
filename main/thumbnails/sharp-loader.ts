import { readdirSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { constants } from 'node:os';
import { dirname, join, sep } from 'node:path';
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
  /** Whether the dynamic loader offers RTLD_DEEPBIND (glibc does; musl does not). Default: this process's. */
  deepBind?: boolean | undefined;
  /**
   * The build the user asked for with FERRY_SHARP_BUILD (`native` or `wasm`; anything else is ignored):
   * the way out on a system where the deep-bound native build still misbehaves, or to compare the two.
   */
  requested?: SharpBuild | undefined;
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
/** Node defines the constant only where the C library has the flag: glibc, not musl. */
const deepBindFlag: number | undefined = (constants.dlopen as Record<string, number | undefined>)
  .RTLD_DEEPBIND;

/** The environment variable that overrides the choice of build. */
export const sharpBuildVariable = 'FERRY_SHARP_BUILD';

export function requestedSharpBuild(value: string | undefined): SharpBuild | undefined {
  const build = value?.trim().toLowerCase();
  return build === 'native' || build === 'wasm' ? build : undefined;
}

const thisRuntime: SharpRuntime = {
  platform: process.platform,
  electron: process.versions.electron,
  deepBind: deepBindFlag !== undefined,
  requested: requestedSharpBuild(process.env[sharpBuildVariable]),
};

/**
 * Inside Electron on Linux the native build needs care: sharp's libvips-cpp carries its own copy of
 * GLib/GObject and exports its symbols, while the Electron executable links the system's GObject. Loaded
 * the usual way, sharp's binding resolves `g_object_ref`/`g_object_unref` to the system copy, which then
 * handles objects the other copy made: GLib-GObject-CRITICAL floods or a SIGSEGV of the whole main
 * process (electron#46323, lovell/sharp#4522, #4525; a utility process maps the same libraries, so it
 * is no way out). Loaded with RTLD_DEEPBIND (see loadNative), the binding and libvips look up their own
 * symbols first and never reach the system copy. Where the loader has no such flag (musl), native stays
 * a hazard inside Electron on Linux and the wasm build is used.
 */
export function nativeSharpIsHazardous(runtime: SharpRuntime = thisRuntime): boolean {
  const deepBind = runtime.deepBind ?? thisRuntime.deepBind;
  return runtime.platform === 'linux' && runtime.electron !== undefined && deepBind !== true;
}

/**
 * The build to try first: the user's request when there is one (a requested native build inside Electron
 * on a Linux without deep binding is the user's risk to take), else native unless it is a hazard here.
 */
export function preferredSharpBuild(runtime: SharpRuntime = thisRuntime): SharpBuild {
  if (runtime.requested !== undefined) return runtime.requested;
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
 * hazardous (Electron on a Linux without deep binding): there the missing wasm build is an error,
 * because a thumbnail is not worth a crashed main process.
 *
 * Why not `import('sharp')` for wasm: sharp 0.35's own loader (dist/sharp.mjs) has no switch for it. It
 * tries a local build, then @img/sharp-<platform>, and only when that fails @img/sharp-wasm32; there is
 * no environment variable. So a separate copy of sharp's JavaScript is bound to the wasm binary without
 * the native one ever being loaded, which also lets tests run both builds side by side.
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
        `${reason}; the native build is not loaded inside Electron on a Linux without RTLD_DEEPBIND (its ` +
          `GLib would clash with Electron's). Add ${wasmSharpPackage} (same version as sharp) to the package.`,
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
    loading = build === 'native' ? loadNative() : loadWasmSharp();
    // A failed load is remembered too: a missing package does not appear between two calls.
    loadedBuilds.set(build, loading);
  }
  return loading;
}

/**
 * The native build. On Linux with glibc its binary is first loaded by hand with RTLD_DEEPBIND and put
 * in the require cache where sharp's loader will ask for it, so sharp then finds it already loaded:
 * the binding and the libvips it brings (and their dependencies loaded with them) resolve symbols in
 * their own scope before the process's global one, so libvips's embedded GObject is the only one they
 * ever call, whatever GLib the host process mapped first (`sharp-deep-bind.test.ts` maps the system
 * GObject ahead of it, as the Electron executable does, and checks where `g_object_ref` binds).
 */
async function loadNative(): Promise<Sharp> {
  if (process.platform === 'linux' && deepBindFlag !== undefined) preloadDeepBound(deepBindFlag);
  return (await import('sharp')).default;
}

/**
 * sharp 0.35 asks for `@img/sharp-<platform>-<arch>/sharp.node`, whose index.cjs requires
 * `./lib/sharp-<platform>-<arch>-<version>.node`: that file is dlopened here and cached under its path.
 * When the package is absent (a local build of sharp, another platform), nothing is done and sharp loads
 * as it always does.
 */
function preloadDeepBound(deepBind: number): void {
  let packageDir: string;
  try {
    packageDir = dirname(requireHere.resolve(`@img/sharp-${process.platform}-${process.arch}/package`));
  } catch {
    return;
  }
  const libDir = join(packageDir, 'lib');
  const binary = readdirSync(libDir).find((file) => file.endsWith('.node'));
  if (binary === undefined) return;
  const path = join(libDir, binary);
  if (requireHere.cache[path] !== undefined) return;
  const module = new Module(path);
  module.filename = path;
  process.dlopen(module, path, constants.dlopen.RTLD_LAZY | deepBind);
  module.loaded = true;
  requireHere.cache[path] = module;
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
