import type { StoreApi } from 'zustand/vanilla';
import type { FerryApi } from '../../shared/contract.ts';
import type { FileIntake } from '../api/file-intake.ts';
import type { ConnectionStatus } from '../api/web-api.ts';
import type { DroppedItem } from '../models/dropped-item.ts';
import { describeError, toErrorView } from '../models/error-message.ts';
import type { AppStore } from './app-store.ts';

export interface AppActions {
  /** Subscribes to events and loads the lists; returns the unsubscribe. */
  start(): () => void;
  refresh(): Promise<void>;
  addItems(items: readonly DroppedItem[]): Promise<void>;
  loadMoreHistory(): Promise<void>;
  dismissLocalItem(id: string): void;
}

export interface AppActionsDeps {
  api: FerryApi;
  intake: FileIntake;
  status: ConnectionStatus | null;
  store: StoreApi<AppStore>;
}

const historyPageSize = 100;
/** The contract's cap on paths per `uploads.add`; a larger drop is split, in order. */
const maxPathsPerCall = 10_000;
/** Staging streams whole files to the web shell; a few at once keeps the disk and socket busy, not thrashing. */
const stagingConcurrency = 3;

interface Resolved {
  path: string;
  /** The staging row standing in for the file until its task exists. */
  localId: string | null;
  name: string;
  size: number | null;
}

export const folderUnsupportedMessage = 'Folders are not supported yet';

/** Runs `work` over `items` with at most `limit` in flight, keeping results in input order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function createAppActions({ api, intake, status, store }: AppActionsDeps): AppActions {
  let localCounter = 0;
  let loadingMoreHistory = false;
  const newLocalId = (): string => `local-${++localCounter}`;

  const failLocal = (name: string, size: number | null, message: string, id = newLocalId()): void =>
    store.getState().upsertLocalItem({ id, name, size, state: 'failed', message });

  const refresh = async (): Promise<void> => {
    const state = store.getState();
    const [accounts, tasks, history] = await Promise.allSettled([
      api.invoke('accounts.list', {}),
      api.invoke('uploads.list', {}),
      api.invoke('history.list', { limit: historyPageSize }),
    ]);
    if (accounts.status === 'fulfilled') state.setAccounts(accounts.value);
    if (tasks.status === 'fulfilled') state.applyTasks(tasks.value);
    if (history.status === 'fulfilled') {
      // After a reconnect, keep the user's place in older pages rather than restarting the cursor.
      const cursor = store.getState().historyLoaded ? undefined : history.value.nextCursor;
      state.addHistory(history.value.entries, cursor);
    }
    const failure = [accounts, tasks, history].find((result) => result.status === 'rejected');
    state.setLoadError(failure ? describeError(toErrorView(failure.reason)) : null);
  };

  /** Resolves each item to a path, or to null after recording why it cannot be uploaded. */
  const resolveItem = async (item: DroppedItem): Promise<Resolved | null> => {
    let file: File;
    if (item.kind === 'folder') {
      if (!intake.passesFolders || item.file === null) {
        failLocal(item.name, null, folderUnsupportedMessage);
        return null;
      }
      file = item.file;
    } else {
      file = item.file;
    }
    // A folder's File reports a meaningless size; the main side will stat the real thing.
    const size = item.kind === 'file' ? file.size : null;
    // Only a slow intake gets a row of its own; in Electron the task row appears almost at once.
    const localId = intake.copiesBytes ? newLocalId() : null;
    if (localId !== null) {
      store
        .getState()
        .upsertLocalItem({ id: localId, name: file.name, size, state: 'staging', message: null });
    }
    try {
      return { path: await intake.pathFor(file), localId, name: file.name, size };
    } catch (error) {
      failLocal(file.name, size, describeError(toErrorView(error)), localId ?? undefined);
      return null;
    }
  };

  const addItems = async (items: readonly DroppedItem[]): Promise<void> => {
    if (items.length === 0) return;
    const accountId = store.getState().selectedAccountId;
    if (accountId === null) {
      for (const item of items) {
        const name = item.kind === 'file' ? item.file.name : item.name;
        failLocal(name, item.kind === 'file' ? item.file.size : null, 'Choose an account first.');
      }
      return;
    }
    const resolved = (await mapLimited(items, stagingConcurrency, resolveItem)).filter(
      (entry) => entry !== null,
    );
    for (let start = 0; start < resolved.length; start += maxPathsPerCall) {
      const batch = resolved.slice(start, start + maxPathsPerCall);
      try {
        await api.invoke('uploads.add', { paths: batch.map((entry) => entry.path), accountId });
        // Events bring the new tasks too, but a listing makes the rows appear even if an event is late.
        store.getState().applyTasks(await api.invoke('uploads.list', {}));
        for (const entry of batch)
          if (entry.localId !== null) store.getState().removeLocalItem(entry.localId);
      } catch (error) {
        const message = describeError(toErrorView(error));
        for (const entry of batch) failLocal(entry.name, entry.size, message, entry.localId ?? undefined);
      }
    }
  };

  const loadMoreHistory = async (): Promise<void> => {
    const cursor = store.getState().historyCursor;
    if (cursor === null || loadingMoreHistory) return;
    loadingMoreHistory = true;
    try {
      const page = await api.invoke('history.list', { cursor, limit: historyPageSize });
      store.getState().addHistory(page.entries, page.nextCursor);
    } catch (error) {
      store.getState().setLoadError(describeError(toErrorView(error)));
    } finally {
      loadingMoreHistory = false;
    }
  };

  const start = (): (() => void) => {
    const unsubscribe = api.subscribe((event) => {
      switch (event.name) {
        case 'tasks.changed':
          store.getState().applyTasks(event.payload.tasks);
          break;
        case 'history.added':
          store.getState().addHistory([event.payload.entry]);
          break;
      }
    });
    let wasDown = false;
    const stopStatus = status?.onConnectionChange((connection) => {
      store.getState().setConnection(connection);
      if (connection !== 'open') wasDown = true;
      // Events sent while the socket was down are lost: catch up from the lists.
      else if (wasDown) void refresh();
    });
    void refresh();
    return () => {
      unsubscribe();
      stopStatus?.();
    };
  };

  return {
    start,
    refresh,
    addItems,
    loadMoreHistory,
    dismissLocalItem: (id) => store.getState().removeLocalItem(id),
  };
}
