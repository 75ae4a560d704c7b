import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

/**
 * "Upload originals": files added while it is on skip processing (`uploads.add` with process: false),
 * the per-drop counterpart of the CLI's --no-process. For this page's life only: a forgotten switch
 * must not silently send every later photo with its location.
 */
export const uploadOriginalsStore = createStore<{ on: boolean; set(on: boolean): void }>()((set) => ({
  on: false,
  set: (on) => set({ on }),
}));

export function useUploadOriginals(): { on: boolean; set(on: boolean): void } {
  return useStore(uploadOriginalsStore);
}

/** What `uploads.add` takes from the switch for files added now. */
export function dropProcessing(): { process?: false } {
  return uploadOriginalsStore.getState().on ? { process: false } : {};
}
