import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Notice } from '../../shared/contract.ts';
import type { AccountView, HistoryEntryView, TaskView } from '../../shared/models.ts';
import type { Settings } from '../../shared/settings.ts';
import type { ConnectionState } from '../api/web-api.ts';
import type { BatchOutcome } from '../models/batch-outcome.ts';
import type { LocalItem } from '../models/local-item.ts';
import type { Batch } from '../models/queue-sections.ts';
import { extendOrder, finishedStates, mergeTasks, type TaskMap } from '../models/task-list.ts';

export const viewIds = ['queue', 'history', 'accounts', 'settings'] as const;
export type ViewId = (typeof viewIds)[number];

/** Where the page runs: the desktop app, or a browser through the web shell (no tray, no notifications). */
export type Shell = 'desktop' | 'browser';

/**
 * A question a drop waits on before anything is uploaded: which account (settings say "ask each
 * time"), or whether to upload the empty files in it. Answered once for the whole drop.
 */
export type Question =
  /** `remember`: "use this account from now on" starts ticked (files the desktop app could not place). */
  | { id: string; kind: 'account'; count: number; remember: boolean }
  | { id: string; kind: 'empty'; names: readonly string[]; total: number };

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
  /**
   * Bumped when a task appears, changes state or gets its history entry, not on progress: what the
   * queue's sections, counts and "Copy all" depend on, so 2,000 rows reporting progress do not
   * recompute them ten times a second.
   */
  taskStatesVersion: number;
  /** What this window handed over, drop by drop: the queue shows them newest first, files in input order. */
  batches: readonly Batch[];
  /**
   * historyId → entry, from the first history page and the history events: how a finished queue row
   * finds its picture and copies its link in any format.
   */
  entries: Readonly<Record<string, HistoryEntryView>>;
  accounts: readonly AccountView[];
  /**
   * The account the next drop goes to: the user's pick, else the default from settings. Null asks
   * (when there is more than one account to choose from; see `targetAccount`).
   */
  selectedAccountId: string | null;
  questions: readonly Question[];
  shell: Shell;
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
  /**
   * A history entry to bring into view, focused and selected (a click on an "uploaded" notification):
   * the history view finds it, loading pages or clearing its filters if it has to, then clears this.
   */
  historyRevealRequest: string | null;
  /** In a browser, what stands in for the desktop's notifications: a message per finished batch. */
  toasts: readonly BatchOutcome[];
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
  /** Null: ask each time. */
  selectAccount(id: string | null): void;
  addQuestion(question: Question): void;
  removeQuestion(id: string): void;
  upsertLocalItem(item: LocalItem): void;
  removeLocalItem(id: string): void;
  /** Many local rows at once (a big drop): one store update instead of one per file. */
  applyLocalChanges(upserts: readonly LocalItem[], removals: ReadonlySet<string>): void;
  upsertFolderPrompt(prompt: FolderPrompt): void;
  removeFolderPrompt(id: string): void;
  setSettings(settings: Settings): void;
  setSettingsError(message: string | null): void;
  addNotices(notices: readonly Notice[]): void;
  /** What notices.list answered: the notices still current (a shortcut that registers again clears its own). */
  setNotices(notices: readonly Notice[]): void;
  dismissNotice(id: string): void;
  setConnection(connection: ConnectionState): void;
  setLoadError(message: string | null): void;
  /** Opens the accounts view on this account's form; null once the view has done so. */
  requestAccountEdit(accountId: string | null): void;
  /** Opens the history on this entry; null once the view has shown it (or found it gone). */
  revealHistoryEntry(entryId: string | null): void;
  addToast(outcome: BatchOutcome): void;
  dismissToast(batchId: string): void;
}

export const initialAppState: AppState = {
  view: 'queue',
  tasks: {},
  taskOrder: [],
  taskStatesVersion: 0,
  batches: [],
  entries: {},
  accounts: [],
  selectedAccountId: null,
  questions: [],
  shell: 'browser',
  localItems: [],
  folderPrompts: [],
  settings: null,
  notices: [],
  dismissedNoticeIds: [],
  connection: 'open',
  loadError: null,
  settingsError: null,
  accountEditRequest: null,
  historyRevealRequest: null,
  toasts: [],
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

/** The account picked for drops: the user's pick, else the default from settings, else none (ask). */
function fallbackAccount(
  accounts: readonly AccountView[],
  current: string | null,
  settings: Settings | null,
): string | null {
  const exists = (id: string | null | undefined): id is string =>
    typeof id === 'string' && accounts.some((account) => account.id === id);
  if (exists(current)) return current;
  if (exists(settings?.defaultAccountId)) return settings.defaultAccountId;
  return null;
}

/**
 * Where a drop goes without asking: the picked account, or the only one there is (nothing to ask);
 * null when the user has to choose.
 */
export function targetAccount(state: Pick<AppState, 'accounts' | 'selectedAccountId'>): string | null {
  if (state.selectedAccountId !== null) return state.selectedAccountId;
  return state.accounts.length === 1 ? state.accounts[0]!.id : null;
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
        const reshaped = incoming.some((task) => {
          const before = state.tasks[task.id];
          return before?.state !== tasks[task.id]?.state || before?.historyId !== tasks[task.id]?.historyId;
        });
        return {
          tasks,
          taskOrder: extendOrder(state.taskOrder, tasks, incoming),
          ...(reshaped ? { taskStatesVersion: state.taskStatesVersion + 1 } : {}),
        };
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
        return {
          tasks,
          taskOrder: state.taskOrder.filter((id) => tasks[id] !== undefined),
          batches,
          taskStatesVersion: state.taskStatesVersion + 1,
        };
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
    addQuestion: (question) => set((state) => ({ questions: [...state.questions, question] })),
    removeQuestion: (id) =>
      set((state) => ({ questions: state.questions.filter((question) => question.id !== id) })),
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
        // The first settings to arrive, and every change of the default account, decide the account:
        // choosing "Ask each time" in the settings makes the next drop ask.
        const defaultChanged =
          state.settings === null || state.settings.defaultAccountId !== settings.defaultAccountId;
        if (!defaultChanged) return { settings };
        return {
          settings,
          selectedAccountId:
            state.settings === null && state.selectedAccountId !== null
              ? state.selectedAccountId
              : fallbackAccount(state.accounts, settings.defaultAccountId, settings),
        };
      }),
    setSettingsError: (settingsError) => set({ settingsError }),
    addNotices: (notices) =>
      set((state) => {
        const known = new Set([...state.notices.map((notice) => notice.id), ...state.dismissedNoticeIds]);
        const fresh = notices.filter((notice) => !known.has(notice.id));
        return fresh.length === 0 ? {} : { notices: [...state.notices, ...fresh] };
      }),
    setNotices: (notices) =>
      set((state) => {
        const dismissed = new Set(state.dismissedNoticeIds);
        return { notices: notices.filter((notice) => !dismissed.has(notice.id)) };
      }),
    dismissNotice: (id) =>
      set((state) => ({
        notices: state.notices.filter((notice) => notice.id !== id),
        dismissedNoticeIds: [...state.dismissedNoticeIds, id],
      })),
    setConnection: (connection) => set({ connection }),
    setLoadError: (loadError) => set({ loadError }),
    addToast: (outcome) => set((state) => ({ toasts: [...state.toasts, outcome] })),
    dismissToast: (batchId) =>
      set((state) => ({ toasts: state.toasts.filter((toast) => toast.batchId !== batchId) })),
    requestAccountEdit: (accountEditRequest) =>
      set(accountEditRequest === null ? { accountEditRequest } : { accountEditRequest, view: 'accounts' }),
    revealHistoryEntry: (historyRevealRequest) =>
      set(
        historyRevealRequest === null ? { historyRevealRequest } : { historyRevealRequest, view: 'history' },
      ),
  }));
}
