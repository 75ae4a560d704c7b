import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Notice } from '../../shared/contract.ts';
import type { AccountView, HistoryEntryView, TaskView } from '../../shared/models.ts';
import type { Settings } from '../../shared/settings.ts';
import type { ConnectionState } from '../api/web-api.ts';
import type { LocalItem } from '../models/local-item.ts';
import type { Batch } from '../models/queue-sections.ts';
import { extendOrder, finishedStates, mergeTasks, type TaskMap } from '../models/task-list.ts';

export const viewIds = ['queue', 'history', 'accounts', 'settings'] as const;
export type ViewId = (typeof viewIds)[number];

/** A dropped or picked folder, waiting for the user to confirm its file count. */
export interface FolderPrompt {
  id: string;
  folderName: string;
  /** Null while the folder is still being walked. */
  files: readonly File[] | null;
  accountId: string;
}

export interface AppState {
  view: ViewId;
  tasks: TaskMap;
  /** The queue's rows, in the order they appeared; finished rows leave it only by "Clear finished". */
  taskOrder: readonly string[];
  /** What this window handed over, drop by drop: the queue shows them newest first, files in input order. */
  batches: readonly Batch[];
  /**
   * historyId → entry, from the first history page and the history events: how a finished queue row
   * finds its picture and copies its link in any format.
   */
  entries: Readonly<Record<string, HistoryEntryView>>;
  accounts: readonly AccountView[];
  selectedAccountId: string | null;
  localItems: readonly LocalItem[];
  folderPrompts: readonly FolderPrompt[];
  settings: Settings | null;
  notices: readonly Notice[];
  /** Dismissed for this page's life: a reconnect's `notices.list` must not bring them back. */
  dismissedNoticeIds: readonly string[];
  connection: ConnectionState;
  /** A failure to load the initial lists; the UI shows it instead of pretending all is empty. */
  loadError: string | null;
  /** A setting the main side refused, shown next to the settings. */
  settingsError: string | null;
  /** "Edit account" on a failed upload: the accounts view opens this account's form, then clears it. */
  accountEditRequest: string | null;
}

/** The store holds data and small, pure transitions; talking to the main side is the actions' job. */
export interface AppStore extends AppState {
  setView(view: ViewId): void;
  applyTasks(tasks: readonly TaskView[]): void;
  clearFinished(): void;
  openBatch(batch: Batch): void;
  /** Files of open batches that got their tasks: each slot's stand-in id becomes the task id. */
  assignSlots(taskOfSlot: ReadonlyMap<string, string>): void;
  closeBatch(id: string): void;
  addEntries(entries: readonly HistoryEntryView[]): void;
  setAccounts(accounts: readonly AccountView[]): void;
  selectAccount(id: string): void;
  upsertLocalItem(item: LocalItem): void;
  removeLocalItem(id: string): void;
  /** Many local rows at once (a big drop): one store update instead of one per file. */
  applyLocalChanges(upserts: readonly LocalItem[], removals: ReadonlySet<string>): void;
  upsertFolderPrompt(prompt: FolderPrompt): void;
  removeFolderPrompt(id: string): void;
  setSettings(settings: Settings): void;
  setSettingsError(message: string | null): void;
  addNotices(notices: readonly Notice[]): void;
  dismissNotice(id: string): void;
  setConnection(connection: ConnectionState): void;
  setLoadError(message: string | null): void;
  /** Opens the accounts view on this account's form; null once the view has done so. */
  requestAccountEdit(accountId: string | null): void;
}

export const initialAppState: AppState = {
  view: 'queue',
  tasks: {},
  taskOrder: [],
  batches: [],
  entries: {},
  accounts: [],
  selectedAccountId: null,
  localItems: [],
  folderPrompts: [],
  settings: null,
  notices: [],
  dismissedNoticeIds: [],
  connection: 'open',
  loadError: null,
  settingsError: null,
  accountEditRequest: null,
};

function withEntries(
  current: Readonly<Record<string, HistoryEntryView>>,
  entries: readonly HistoryEntryView[],
): Readonly<Record<string, HistoryEntryView>> {
  const fresh = entries.filter((entry) => current[entry.id] !== entry);
  return fresh.length === 0
    ? current
    : { ...current, ...Object.fromEntries(fresh.map((entry) => [entry.id, entry])) };
}

/** The account a drop goes to: the user's pick, else the default from settings, else the first one. */
function fallbackAccount(
  accounts: readonly AccountView[],
  current: string | null,
  settings: Settings | null,
): string | null {
  const exists = (id: string | null | undefined): id is string =>
    typeof id === 'string' && accounts.some((account) => account.id === id);
  if (exists(current)) return current;
  if (exists(settings?.defaultAccountId)) return settings.defaultAccountId;
  return accounts[0]?.id ?? null;
}

export function createAppStore(initial: Partial<AppState> = {}): StoreApi<AppStore> {
  return createStore<AppStore>()((set) => ({
    ...initialAppState,
    ...initial,
    setView: (view) => set({ view }),
    applyTasks: (incoming) =>
      set((state) => {
        const tasks = mergeTasks(state.tasks, incoming);
        if (tasks === state.tasks) return {};
        return { tasks, taskOrder: extendOrder(state.taskOrder, tasks, incoming) };
      }),
    clearFinished: () =>
      set((state) => {
        const tasks: Record<string, TaskView> = {};
        for (const [id, task] of Object.entries(state.tasks))
          if (!finishedStates.has(task.state)) tasks[id] = task;
        const local = new Set(state.localItems.map((item) => item.id));
        // A batch with nothing left to show goes too, or batches would pile up for the page's life.
        const batches = state.batches.filter(
          (batch) => batch.open || batch.slots.some((slot) => tasks[slot] !== undefined || local.has(slot)),
        );
        return { tasks, taskOrder: state.taskOrder.filter((id) => tasks[id] !== undefined), batches };
      }),
    openBatch: (batch) => set((state) => ({ batches: [...state.batches, batch] })),
    assignSlots: (taskOfSlot) =>
      set((state) => {
        if (taskOfSlot.size === 0) return {};
        return {
          batches: state.batches.map((batch) =>
            batch.slots.some((slot) => taskOfSlot.has(slot))
              ? { ...batch, slots: batch.slots.map((slot) => taskOfSlot.get(slot) ?? slot) }
              : batch,
          ),
        };
      }),
    closeBatch: (id) =>
      set((state) => ({
        batches: state.batches.map((batch) => (batch.id === id ? { ...batch, open: false } : batch)),
      })),
    addEntries: (entries) => set((state) => ({ entries: withEntries(state.entries, entries) })),
    setAccounts: (accounts) =>
      set((state) => ({
        accounts,
        selectedAccountId: fallbackAccount(accounts, state.selectedAccountId, state.settings),
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
    applyLocalChanges: (upserts, removals) =>
      set((state) => {
        if (upserts.length === 0 && removals.size === 0) return {};
        const updates = new Map(upserts.map((item) => [item.id, item]));
        const localItems = state.localItems
          .filter((item) => !removals.has(item.id))
          .map((item) => {
            const update = updates.get(item.id);
            updates.delete(item.id);
            return update ?? item;
          });
        for (const item of updates.values()) if (!removals.has(item.id)) localItems.push(item);
        return { localItems };
      }),
    upsertFolderPrompt: (prompt) =>
      set((state) => ({
        folderPrompts: state.folderPrompts.some((existing) => existing.id === prompt.id)
          ? state.folderPrompts.map((existing) => (existing.id === prompt.id ? prompt : existing))
          : [...state.folderPrompts, prompt],
      })),
    removeFolderPrompt: (id) =>
      set((state) => ({ folderPrompts: state.folderPrompts.filter((prompt) => prompt.id !== id) })),
    setSettings: (settings) =>
      set((state) => {
        // The first settings to arrive decide the account when the user has not picked one yet.
        const selectedAccountId =
          state.settings === null && settings.defaultAccountId !== null
            ? fallbackAccount(state.accounts, settings.defaultAccountId, settings)
            : state.selectedAccountId;
        return { settings, selectedAccountId: selectedAccountId ?? state.selectedAccountId };
      }),
    setSettingsError: (settingsError) => set({ settingsError }),
    addNotices: (notices) =>
      set((state) => {
        const known = new Set([...state.notices.map((notice) => notice.id), ...state.dismissedNoticeIds]);
        const fresh = notices.filter((notice) => !known.has(notice.id));
        return fresh.length === 0 ? {} : { notices: [...state.notices, ...fresh] };
      }),
    dismissNotice: (id) =>
      set((state) => ({
        notices: state.notices.filter((notice) => notice.id !== id),
        dismissedNoticeIds: [...state.dismissedNoticeIds, id],
      })),
    setConnection: (connection) => set({ connection }),
    setLoadError: (loadError) => set({ loadError }),
    requestAccountEdit: (accountEditRequest) =>
      set(accountEditRequest === null ? { accountEditRequest } : { accountEditRequest, view: 'accounts' }),
  }));
}
