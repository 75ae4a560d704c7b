/**
 * Collects "task X changed" notices and flushes them at most once per interval, so the renderer gets ≤
 * 1000/intervalMs events per second in total however many tasks run (≤ 10 per second:
 * docs/engine.md#task-lifecycle).
 */
export class ProgressBatcher {
  readonly #pending = new Set<string>();
  readonly #flush: (ids: string[]) => void;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #lastFlush = 0;

  constructor(flush: (ids: string[]) => void, intervalMs = 100) {
    this.#flush = flush;
    this.#intervalMs = intervalMs;
  }

  mark(id: string): void {
    this.#pending.add(id);
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastFlush + this.#intervalMs - Date.now());
    this.#timer = setTimeout(() => this.flushNow(), wait);
    this.#timer.unref();
  }

  flushNow(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return;
    const ids = [...this.#pending];
    this.#pending.clear();
    this.#lastFlush = Date.now();
    this.#flush(ids);
  }

  close(): void {
    this.flushNow();
  }
}
