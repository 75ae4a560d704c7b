/**
 * Speed over a sliding window of progress samples, so one fast or slow slice does not make the ETA
 * jump around.
 */
const sampleSpacingMs = 100;

export class Speedometer {
  readonly #windowMs: number;
  readonly #samples: Array<{ at: number; bytes: number }> = [];

  constructor(windowMs = 5000) {
    this.#windowMs = windowMs;
  }

  record(bytes: number, at = Date.now()): void {
    // Progress comes with every socket write (thousands a second on loopback): samples closer than
    // this share one entry, so the window stays a few dozen entries long and trimming it stays cheap.
    const last = this.#samples.at(-1);
    if (last && this.#samples.length > 1 && at - this.#samples.at(-2)!.at < sampleSpacingMs) {
      last.at = at;
      last.bytes = bytes;
      return;
    }
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && this.#samples[0]!.at < at - this.#windowMs) this.#samples.shift();
  }

  /** Bytes per second, or null until there is half a second of history. */
  bytesPerSecond(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last.at - first.at < 500) return null;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.at - first.at));
  }
}
