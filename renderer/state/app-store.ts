import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AccountView, HistoryEntryView, TaskView } from '../../shared/models.ts';
import type { ConnectionState } from '../api/web-api.ts';
import { mergeHistory } from '../models/history-list.ts';
import type { LocalItem } from '../models/local-item.ts';
import { mergeTasks, type TaskMap } from '../models/task-list.ts';

export interface AppState {
  tasks: TaskMap;
  history: readonly HistoryEntryView[];
  /** Where the next `history.list` page starts; null once the oldest entry is loaded. */
  historyCursor: string | null;
  historyLoaded: boolean;
  accounts: readonly AccountView[];
  selectedAccountId: string | null;
  localItems: readonly LocalItem[];
  connection: ConnectionState;
  /** A failure to load the initial lists; the UI shows it instead of pretending all is empty. */
  loadError: string | null;
}

/** The store holds data and small, pure transitions; talking to the main side is the actions' job. */
export interface AppStore extends AppState {
  applyTasks(tasks: readonly TaskView[]): void;
  addHistory(entries: readonly HistoryEntryView[], cursor?: string | null): void;
  setAccounts(accounts: readonly AccountView[]): void;
  selectAccount(id: string): void;
  upsertLocalItem(item: LocalItem): void;
  removeLocalItem(id: string): void;
  setConnection(connection: ConnectionState): void;
  setLoadError(message: string | null): void;
}

export const initialAppState: AppState = {
  tasks: {},
  history: [],
  historyCursor: null,
  historyLoaded: false,
  accounts: [],
  selectedAccountId: null,
  localItems: [],
  connection: 'open',
  loadError: null,
};

export function createAppStore(initial: Partial<AppState> = {}): StoreApi<AppStore> {
  return createStore<AppStore>()((set) => ({
    ...initialAppState,
    ...initial,
    applyTasks: (tasks) => set((state) => ({ tasks: mergeTasks(state.tasks, tasks) })),
    addHistory: (entries, cursor) =>
      set((state) => ({
        history: mergeHistory(state.history, entries),
        ...(cursor === undefined ? {} : { historyCursor: cursor, historyLoaded: true }),
      })),
    setAccounts: (accounts) =>
      set((state) => ({
        accounts,
        // Keep the user's choice while it still exists; otherwise fall back to the first account.
        selectedAccountId: accounts.some((account) => account.id === state.selectedAccountId)
          ? state.selectedAccountId
          : (accounts[0]?.id ?? null),
      })),
    selectAccount: (id) => set({ selectedAccountId: id }),
    upsertLocalItem: (item) =>
      set((state) => {
        const index = state.localItems.findIndex((existing) => existing.id === item.id);
        if (index === -1) return { localItems: [...state.localItems, item] };
        const localItems = [...state.localItems];
        localItems[index] = item;
        return { localItems };
      }),
    removeLocalItem: (id) =>
      set((state) => ({ localItems: state.localItems.filter((item) => item.id !== id) })),
    setConnection: (connection) => set({ connection }),
    setLoadError: (loadError) => set({ loadError }),
  }));
}
