import type { StoreApi } from 'zustand/vanilla';
import type { FerryApi } from '../../shared/contract.ts';
import type { SettingsPatch } from '../../shared/settings.ts';
import type { FileIntake } from '../api/file-intake.ts';
import type { ConnectionStatus } from '../api/web-api.ts';
import { describeError, toErrorView } from '../models/error-message.ts';
import { createAddFiles, type AddFiles } from './add-files.ts';
import type { AppStore } from './app-store.ts';
import { announceFinishedBatches } from './batch-toasts.ts';
import { createTaskFeed } from './task-feed.ts';

type TaskCommand = 'uploads.pause' | 'uploads.resume' | 'uploads.cancel' | 'uploads.retry';

export interface AppActions extends Omit<AddFiles, 'addOpenedPaths'> {
  /** Subscribes to events and loads the lists; returns the unsubscribe. */
  start(): () => void;
  refresh(): Promise<void>;
  taskCommand(command: TaskCommand, taskIds: readonly string[]): Promise<void>;
  pauseAll(): Promise<void>;
  resumeAll(): Promise<void>;
  updateSettings(patch: SettingsPatch): Promise<void>;
  /** A new local API secret, made by the main side; tools with the old one are refused from now on. */
  rotateLocalApiSecret(): Promise<void>;
  dismissLocalItem(id: string): void;
  /** Hide a notice and tell the service it was read, so that it is not shown again after a restart. */
  dismissNotice(id: string): Promise<void>;
  /** Where a history entry's thumbnail loads from (the transport decides). */
  thumbnailUrl(thumbnailKey: string): string;
}

export interface AppActionsDeps {
  api: FerryApi;
  intake: FileIntake;
  status: ConnectionStatus | null;
  store: StoreApi<AppStore>;
  /** How long task events are gathered before one store update; tests pass 0. */
  flushDelayMs?: number;
}

/** The first history page: enough for the queue's finished rows to find their entries after a reload. */
const historyPageSize = 100;
/** ~10 updates a second is smooth to the eye and bounds re-renders however many tasks report. */
const defaultFlushDelayMs = 100;

export function createAppActions({
  api,
  intake,
  status,
  store,
  flushDelayMs = defaultFlushDelayMs,
}: AppActionsDeps): AppActions {
  const feed = createTaskFeed(store, flushDelayMs);
  const files = createAddFiles({
    api,
    intake,
    store,
    feed,
    updateSettings: (patch) => updateSettings(patch),
  });

  const refresh = async (): Promise<void> => {
    const state = store.getState();
    const [accounts, tasks, history, settings, notices] = await Promise.allSettled([
      api.invoke('accounts.list', {}),
      api.invoke('uploads.list', {}),
      api.invoke('history.list', { limit: historyPageSize }),
      api.invoke('settings.get', {}),
      api.invoke('notices.list', {}),
    ]);
    if (settings.status === 'fulfilled') state.setSettings(settings.value);
    if (accounts.status === 'fulfilled') state.setAccounts(accounts.value);
    if (tasks.status === 'fulfilled') {
      // Through the feed: staging rows whose tasks this listing brought can go now.
      feed.tasks(tasks.value);
      feed.flush();
    }
    if (history.status === 'fulfilled') state.addEntries(history.value.entries);
    if (notices.status === 'fulfilled') state.setNotices(notices.value);
    const failed = [accounts, tasks, history, settings].find((result) => result.status === 'rejected');
    state.setLoadError(failed === undefined ? null : describeError(toErrorView(failed.reason)));
  };

  const updateSettings = async (patch: SettingsPatch): Promise<void> => {
    // Shown at once (a checkbox must flip when clicked), then replaced by what the main side saved.
    const before = store.getState().settings;
    if (before !== null) {
      store.getState().setSettings({
        ...before,
        ...patch,
        localApi: { ...before.localApi, ...patch.localApi },
        processing: { ...before.processing, ...patch.processing },
      });
    }
    try {
      store.getState().setSettings(await api.invoke('settings.update', patch));
      store.getState().setSettingsError(null);
    } catch (error) {
      if (before !== null) store.getState().setSettings(before);
      store.getState().setSettingsError(describeError(toErrorView(error)));
    }
  };

  const taskCommand = async (command: TaskCommand, taskIds: readonly string[]): Promise<void> => {
    if (taskIds.length === 0) return;
    try {
      await api.invoke(command, { taskIds: [...taskIds] });
    } catch (error) {
      store.getState().setLoadError(describeError(toErrorView(error)));
    }
  };

  const start = (): (() => void) => {
    const unsubscribe = api.subscribe((event) => {
      switch (event.name) {
        case 'tasks.changed':
          feed.tasks(event.payload.tasks);
          break;
        case 'history.added':
        case 'history.updated':
          feed.entries([event.payload.entry]);
          break;
        case 'settings.changed':
          store.getState().setSettings(event.payload.settings);
          // A setting can end a notice's trouble (a shortcut that registers now, a free port), which
          // the main side clears without an event: the list says which notices still hold.
          void api.invoke('notices.list', {}).then(
            (notices) => store.getState().setNotices(notices),
            () => undefined,
          );
          break;
        case 'notice':
          store.getState().addNotices([event.payload]);
          break;
        case 'app.navigate': {
          const { view, entryId } = event.payload;
          if (view === 'history' && entryId !== undefined) store.getState().revealHistoryEntry(entryId);
          else store.getState().setView(view);
          break;
        }
        case 'app.openFiles':
          void files.addOpenedPaths(event.payload.paths, {
            rememberAccount: event.payload.rememberAccount === true,
          });
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
    const stopToasts = store.getState().shell === 'browser' ? announceFinishedBatches(store) : undefined;
    void refresh();
    return () => {
      unsubscribe();
      stopStatus?.();
      stopToasts?.();
      feed.dispose();
    };
  };

  return {
    start,
    refresh,
    addItems: files.addItems,
    addPasted: files.addPasted,
    confirmFolder: files.confirmFolder,
    cancelFolder: files.cancelFolder,
    answerAccount: files.answerAccount,
    answerEmpty: files.answerEmpty,
    taskCommand,
    pauseAll: async () => {
      await api.invoke('uploads.pauseAll', {}).catch((error: unknown) => {
        store.getState().setLoadError(describeError(toErrorView(error)));
      });
    },
    resumeAll: async () => {
      await api.invoke('uploads.resumeAll', {}).catch((error: unknown) => {
        store.getState().setLoadError(describeError(toErrorView(error)));
      });
    },
    updateSettings,
    rotateLocalApiSecret: async () => {
      try {
        store.getState().setSettings(await api.invoke('settings.rotateLocalApiSecret', {}));
        store.getState().setSettingsError(null);
      } catch (error) {
        store.getState().setSettingsError(describeError(toErrorView(error)));
      }
    },
    dismissLocalItem: (id) => store.getState().removeLocalItem(id),
    dismissNotice: async (id) => {
      store.getState().dismissNotice(id);
      // If the service cannot be told, the notice comes back at the next start: shown again, not lost.
      await api.invoke('notices.dismiss', { id }).catch(() => undefined);
    },
    thumbnailUrl: (key) => api.thumbnailUrl(key),
  };
}
