import type { FerryApi } from '../../shared/contract.ts';
import { thumbnailPath } from '../../shared/web-protocol.ts';
import { parseEvent, parseResponse } from './contract-parsing.ts';

/**
 * What the preload exposes through contextBridge (main/electron/preload-api.ts). It is untyped per
 * command on purpose: the preload stays a tiny bundle that knows channel names and nothing else, and
 * the types come back here. A failed `invoke` rejects with a plain ErrorView-shaped object.
 */
export interface FerryBridge {
  invoke(name: string, request?: unknown): Promise<unknown>;
  subscribe(listener: (event: { name: string; payload: unknown }) => void): () => void;
  /**
   * The path of a file the user dropped on the window or picked in it (the preload has registered it
   * with main, so `uploads.add` takes it); empty for any other File, e.g. a pasted image.
   */
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    /** Present only inside Electron; the web shell has no preload. */
    ferry?: FerryBridge;
  }
}

export function createElectronApi(bridge: FerryBridge): FerryApi {
  return {
    invoke: async (name, request) => parseResponse(name, await bridge.invoke(name, request)),
    subscribe: (listener) =>
      bridge.subscribe(({ name, payload }) => {
        const event = parseEvent(name, payload);
        if (event !== null) listener(event);
      }),
    thumbnailUrl: (key) => `app://ferry${thumbnailPath(key)}`,
  };
}
