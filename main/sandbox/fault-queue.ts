/** The fault shapes every emulator shares; each emulator adds its own (business errors, rewinds…). */
type CheckableFault =
  { kind: 'http-status'; status: number } | { kind: 'stall'; ms: number } | { kind: string };

/**
 * Faults waiting for an emulator's requests, first in first out: each is consumed by one request, after
 * `afterRequests` requests have gone through normally — so a test can aim a fault at the middle of an
 * upload without racing it.
 */
export class FaultQueue<F extends CheckableFault> {
  readonly #queue: Array<{ fault: F; skip: number }> = [];

  /** Throws a RangeError for a fault that could not be served (a non-HTTP status, a negative stall). */
  push(fault: F, afterRequests = 0): void {
    if (!Number.isInteger(afterRequests) || afterRequests < 0)
      throw new RangeError(`afterRequests must be a whole number: ${afterRequests}`);
    if ('status' in fault && fault.kind === 'http-status') {
      if (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599)
        throw new RangeError(`not an HTTP status: ${fault.status}`);
    }
    if ('ms' in fault && fault.kind === 'stall' && (!Number.isFinite(fault.ms) || fault.ms < 0))
      throw new RangeError('stall ms must be a non-negative number');
    this.#queue.push({ fault, skip: afterRequests });
  }

  /** The fault for this request, if one is due; requests it lets through count towards `afterRequests`. */
  next(): F | undefined {
    const head = this.#queue[0];
    if (head === undefined) return undefined;
    if (head.skip > 0) {
      head.skip--;
      return undefined;
    }
    return this.#queue.shift()!.fault;
  }

  /** Drop the faults no request has consumed yet; returns how many there were. */
  clear(): number {
    return this.#queue.splice(0).length;
  }
}
