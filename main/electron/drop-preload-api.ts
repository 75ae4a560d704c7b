// The drop window's preload must stay a tiny sandboxed bundle: this file imports nothing.

/** The one IPC channel of the drop window: the paths of files dropped on it. */
export const dropWindowChannel = 'ferry:drop-window:files';

/** The parts of `ipcRenderer` and `webUtils` used here; the real ones satisfy them, a test passes fakes. */
export interface DropIpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}
export interface DropWebUtilsLike {
  getPathForFile(file: File): string;
}

/** The object exposed as `window.ferryDrop`: the drop window's page can hand over dropped files, nothing else. */
export interface DropPreloadApi {
  /** Resolves true when main took the files. */
  dropFiles(files: readonly File[]): Promise<boolean>;
}

/**
 * The drop window's whole API. It never reaches the contract: its page cannot list the history,
 * read settings or choose an account; main uploads what it hands over to the default account.
 */
export function createDropPreloadApi(
  ipcRenderer: DropIpcRendererLike,
  webUtils: DropWebUtilsLike,
): DropPreloadApi {
  const dropFiles = async (files: readonly File[]): Promise<boolean> => {
    // A file with no path on disk (dragged out of a browser page) has nothing to upload by path.
    const paths = [...files].map((file) => webUtils.getPathForFile(file)).filter((path) => path !== '');
    if (paths.length === 0) return false;
    try {
      return (await ipcRenderer.invoke(dropWindowChannel, paths)) === true;
    } catch {
      return false;
    }
  };
  return Object.freeze({ dropFiles });
}
