import type { StoreApi } from 'zustand/vanilla';
import { batchOutcome } from '../models/batch-outcome.ts';
import type { AppStore } from './app-store.ts';

/**
 * In a browser there is no system notification: each batch, once every file in it has finished or
 * failed, becomes a message in the page (once). Watches the store, outside React; returns the
 * unsubscribe.
 */
export function announceFinishedBatches(store: StoreApi<AppStore>): () => void {
  const announced = new Set<string>();
  return store.subscribe((state, previous) => {
    if (
      state.batches === previous.batches &&
      state.taskStatesVersion === previous.taskStatesVersion &&
      state.localItems === previous.localItems
    )
      return;
    const locals = new Map(state.localItems.map((item) => [item.id, item]));
    for (const batch of state.batches) {
      if (announced.has(batch.id)) continue;
      const outcome = batchOutcome(batch, state.tasks, locals);
      if (outcome === null) continue;
      announced.add(batch.id);
      state.addToast(outcome);
    }
  });
}
