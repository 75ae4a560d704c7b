import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { FerryApi } from '../../shared/contract.ts';
import type { AppActions } from './app-actions.ts';
import type { AppStore } from './app-store.ts';

const StoreContext = createContext<StoreApi<AppStore> | null>(null);
const ActionsContext = createContext<AppActions | null>(null);
/** The contract itself, for views whose data is their own (history pages, account forms), not the app store's. */
const ApiContext = createContext<FerryApi | null>(null);

/** The store and actions come from context, so tests and previews can hand in their own. */
export function AppProvider(props: {
  store: StoreApi<AppStore>;
  actions: AppActions;
  api?: FerryApi;
  children: ReactNode;
}) {
  return (
    <StoreContext value={props.store}>
      <ActionsContext value={props.actions}>
        <ApiContext value={props.api ?? null}>{props.children}</ApiContext>
      </ActionsContext>
    </StoreContext>
  );
}

/** Selectors must return stored references (not fresh arrays), or every store change re-renders. */
export function useAppState<T>(selector: (state: AppStore) => T): T {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useAppState outside AppProvider');
  return useStore(store, selector);
}

/**
 * The store itself, for reading the latest state inside a memo whose dependencies say when to read
 * it again (the tasks, read again only when `taskStatesVersion` moves).
 */
export function useAppStore(): StoreApi<AppStore> {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useAppStore outside AppProvider');
  return store;
}

export function useAppActions(): AppActions {
  const actions = useContext(ActionsContext);
  if (actions === null) throw new Error('useAppActions outside AppProvider');
  return actions;
}

export function useApi(): FerryApi {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi outside an AppProvider given the api');
  return api;
}
