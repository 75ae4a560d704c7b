import type { ActivitySnapshot } from './batch-tracker.ts';

/** What `BrowserWindow.setProgressBar` gets: -1 removes the bar; mode is honoured on Windows only. */
export interface ProgressBarState {
  progress: number;
  mode: 'none' | 'normal' | 'indeterminate';
}

export function progressBarState(snapshot: ActivitySnapshot): ProgressBarState {
  if (snapshot.active === 0) return { progress: -1, mode: 'none' };
  // Sizes unknown yet (files still being stat'ed): a moving bar rather than a false 0%.
  if (snapshot.fraction === null) return { progress: 2, mode: 'indeterminate' };
  return { progress: Math.min(1, Math.max(0, snapshot.fraction)), mode: 'normal' };
}

/** The macOS dock badge: how many files are on their way; empty removes it. */
export function dockBadge(snapshot: ActivitySnapshot): string {
  return snapshot.active > 0 ? String(snapshot.active) : '';
}

/** The parts of Electron's `powerSaveBlocker` used here. */
export interface PowerSaveBlockerLike {
  start(type: 'prevent-app-suspension'): number;
  stop(id: number): unknown;
}

/**
 * Keeps the machine awake while files upload: a laptop that sleeps mid-upload stalls every transfer.
 * 'prevent-app-suspension' lets the screen turn off, which is all an upload needs.
 */
export class PowerKeeper {
  readonly #blocker: PowerSaveBlockerLike;
  #id: number | null = null;

  constructor(blocker: PowerSaveBlockerLike) {
    this.#blocker = blocker;
  }

  update(uploading: boolean): void {
    if (uploading && this.#id === null) this.#id = this.#blocker.start('prevent-app-suspension');
    else if (!uploading) this.release();
  }

  release(): void {
    if (this.#id === null) return;
    this.#blocker.stop(this.#id);
    this.#id = null;
  }

  get holding(): boolean {
    return this.#id !== null;
  }
}
