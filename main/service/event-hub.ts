import type { FerryEvent } from '../../shared/contract.ts';

/** The service's events, fanned out to every subscribed transport (windows, web shell, CLI, local API). */
export class EventHub {
  readonly #listeners = new Set<(event: FerryEvent) => void>();

  readonly emit = (event: FerryEvent): void => {
    for (const listener of this.#listeners) listener(event);
  };

  subscribe(listener: (event: FerryEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  clear(): void {
    this.#listeners.clear();
  }
}
