import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { AppActions } from './app-actions.ts';
import type { AppStore } from './app-store.ts';

const StoreContext = createContext<StoreApi<AppStore> | null>(null);
const ActionsContext = createContext<AppActions | null>(null);

/** The store and actions come from context, so tests and previews can hand in their own. */
export function AppProvider(props: { store: StoreApi<AppStore>; actions: AppActions; children: ReactNode }) {
  return (
    <StoreContext value={props.store}>
      <ActionsContext value={props.actions}>{props.children}</ActionsContext>
    </StoreContext>
  );
}

/** Selectors must return stored references (not fresh arrays), or every store change re-renders. */
export function useAppState<T>(selector: (state: AppStore) => T): T {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useAppState outside AppProvider');
  return useStore(store, selector);
}

export function useAppActions(): AppActions {
  const actions = useContext(ActionsContext);
  if (actions === null) throw new Error('useAppActions outside AppProvider');
  return actions;
}
