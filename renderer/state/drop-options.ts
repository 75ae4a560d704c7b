import { useStore } from 'zustand';
import { createStore } from 'zustand/vanilla';

/**
 * Switches beside where files are added, for the files added while they are on (the per-drop
 * counterparts of the CLI's --no-process and --force):
 * - `originals`: skip processing (`uploads.add` with process: false);
 * - `again`: upload even bytes this account has already (force: true), instead of reusing their links.
 * For this page's life only: a forgotten switch must not silently send every later photo with its
 * location, or upload every duplicate.
 */
export interface DropOptions {
  originals: boolean;
  again: boolean;
  set(patch: Partial<Pick<DropOptions, 'originals' | 'again'>>): void;
}

export const dropOptionsStore = createStore<DropOptions>()((set) => ({
  originals: false,
  again: false,
  set: (patch) => set(patch),
}));

export function useDropOptions(): DropOptions {
  return useStore(dropOptionsStore);
}

/** What `uploads.add` takes from the switches for files added now. */
export function dropProcessing(): { process?: false; force?: true } {
  const { originals, again } = dropOptionsStore.getState();
  return { ...(originals ? { process: false } : {}), ...(again ? { force: true } : {}) };
}
