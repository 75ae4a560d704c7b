// Types of build/after-pack.mjs, for the test that runs it (test/unit/packaging/).
import type { FuseConfig, FuseV1Options } from '@electron/fuses';

export interface AfterPackContextLike {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { appInfo: { productFilename: string }; executableName: string };
}

export declare const ferryFuses: Readonly<Partial<Record<FuseV1Options, boolean>>>;
export declare function packedElectronPath(context: AfterPackContextLike): string;
export declare function afterPack(
  context: AfterPackContextLike,
  flip?: (path: string, config: FuseConfig) => Promise<number>,
): Promise<void>;
