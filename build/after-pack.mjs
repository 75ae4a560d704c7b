// electron-builder `afterPack` hook: flips Electron's fuses in the packaged binary before it is signed
// (electron-builder runs afterPack, then signs). Fuses are compiled-in switches that no command-line
// flag or environment variable can turn back on, unlike the app's own settings.
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * The fuses, each chosen for Ferry:
 * - RunAsNode off: ELECTRON_RUN_AS_NODE would turn the signed Ferry binary into a general Node runtime.
 * - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS (--require, --inspect) could inject code.
 * - EnableNodeCliInspectArguments off: --inspect/--inspect-brk would open a debugger into the main process.
 * - OnlyLoadAppFromAsar on: the app is loaded from app.asar only, never from a planted app/ folder.
 * - EnableEmbeddedAsarIntegrityValidation on: app.asar is checked against the hash in the binary
 *   (macOS and Windows; electron-builder embeds the hash there, Linux ignores the fuse).
 * - EnableCookieEncryption on: cookies at rest are encrypted with the OS keychain key.
 */
export const ferryFuses = Object.freeze({
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.EnableCookieEncryption]: true,
});

/** The Electron executable electron-builder just packed (same rule as its own fuse support). */
export function packedElectronPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return join(appOutDir, packager.executableName);
    default:
      throw new Error(`Ferry's afterPack hook does not know the platform ${electronPlatformName}`);
  }
}

/**
 * electron-builder calls the named export `afterPack`. `flip` is @electron/fuses' flipFuses; tests pass
 * a recorder instead. Flipping fuses invalidates an arm64 macOS ad-hoc signature, hence the reset there.
 */
export async function afterPack(context, flip = flipFuses) {
  const isArm64Mac =
    (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') &&
    (context.arch === 3 || context.arch === 4); // builder-util's Arch.arm64 and Arch.universal
  await flip(packedElectronPath(context), {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: isArm64Mac,
    ...ferryFuses,
  });
}
