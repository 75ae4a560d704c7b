import type { StoreApi } from 'zustand/vanilla';
import type { FerryApi } from '../../shared/contract.ts';
import type { ErrorView } from '../../shared/errors.ts';
import type { TaskView } from '../../shared/models.ts';
import type { SettingsPatch } from '../../shared/settings.ts';
import type { FileIntake } from '../api/file-intake.ts';
import type { ConnectionStatus } from '../api/web-api.ts';
import { filesInFolder, type DroppedItem } from '../models/dropped-item.ts';
import { dropProcessing } from './drop-options.ts';
import { describeError, toErrorView } from '../models/error-message.ts';
import type { LocalItem } from '../models/local-item.ts';
import type { AppStore } from './app-store.ts';

type TaskCommand = 'uploads.pause' | 'uploads.resume' | 'uploads.cancel' | 'uploads.retry';

export interface AppActions {
  /** Subscribes to events and loads the lists; returns the unsubscribe. */
  start(): () => void;
  refresh(): Promise<void>;
  /** Files are queued at once; each folder first asks (with its file count) through a folder prompt. */
  addItems(items: readonly DroppedItem[]): Promise<void>;
  /** Pasted images: given a name that says what they are, then queued like dropped files. */
  addPasted(files: readonly File[]): Promise<void>;
  confirmFolder(id: string): Promise<void>;
  cancelFolder(id: string): void;
  taskCommand(command: TaskCommand, taskIds: readonly string[]): Promise<void>;
  pauseAll(): Promise<void>;
  resumeAll(): Promise<void>;
  updateSettings(patch: SettingsPatch): Promise<void>;
  /** A new local API secret, made by the main side; tools with the old one are refused from now on. */
  rotateLocalApiSecret(): Promise<void>;
  loadMoreHistory(): Promise<void>;
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

const historyPageSize = 100;
/** Files handed to `uploads.add` at once: uploading starts while the rest of a big drop is staged. */
const filesPerAdd = 100;
/** Staging streams whole files to the web shell; a few at once keeps the disk and socket busy, not thrashing. */
const stagingConcurrency = 4;
/** ~10 updates a second is smooth to the eye and bounds re-renders however many tasks report. */
const defaultFlushDelayMs = 100;

interface Resolved {
  path: string;
  /** The staging row standing in for the file until its task exists. */
  localId: string | null;
  name: string;
  size: number;
}

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

const pad = (value: number): string => String(value).padStart(2, '0');

/** "Pasted image 2026-11-23 14.05.09.png": clipboard images all arrive as "image.png". */
export function pastedName(file: File, now = new Date()): string {
  const extension = /^image\/(png|jpeg|gif|webp|bmp)$/.exec(file.type)?.[1]?.replace('jpeg', 'jpg') ?? 'png';
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}.${pad(now.getMinutes())}.${pad(now.getSeconds())}`;
  return `Pasted image ${stamp}.${extension}`;
}

export function createAppActions({
  api,
  intake,
  status,
  store,
  flushDelayMs = defaultFlushDelayMs,
}: AppActionsDeps): AppActions {
  let localCounter = 0;
  let loadingMoreHistory = false;
  const newLocalId = (): string => `local-${++localCounter}`;

  // Task events and local rows are gathered and applied together, so 2,000 files reporting progress
  // cost one store update (and one render) per flush, not one per event.
  let pendingTasks: TaskView[] = [];
  let pendingLocal: LocalItem[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Task id → the staging row standing in for it until the task's first event. */
  const stagingRowOfTask = new Map<string, string>();
  const flush = (): void => {
    flushTimer = undefined;
    const tasks = pendingTasks;
    const local = pendingLocal;
    const removals = new Set<string>();
    pendingTasks = [];
    pendingLocal = [];
    // Tasks first: a staging row goes only once its task row can take its place.
    store.getState().applyTasks(tasks);
    const known = store.getState().tasks;
    for (const [taskId, localId] of stagingRowOfTask) {
      if (known[taskId] === undefined) continue;
      removals.add(localId);
      stagingRowOfTask.delete(taskId);
    }
    store.getState().applyLocalChanges(local, removals);
  };
  const scheduleFlush = (): void => {
    if (flushDelayMs === 0) flush();
    else flushTimer ??= setTimeout(flush, flushDelayMs);
  };
  const queueTasks = (tasks: readonly TaskView[]): void => {
    pendingTasks.push(...tasks);
    scheduleFlush();
  };
  const queueLocal = (item: LocalItem): void => {
    pendingLocal.push(item);
    scheduleFlush();
  };

  const failLocal = (
    name: string,
    size: number | null,
    failure: { error: ErrorView } | { reason: NonNullable<LocalItem['reason']> },
    id = newLocalId(),
  ): void =>
    queueLocal({
      id,
      name,
      size,
      state: 'failed',
      error: 'error' in failure ? failure.error : null,
      reason: 'reason' in failure ? failure.reason : null,
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
      state.applyTasks(tasks.value);
      // Staging rows whose tasks this listing brought can go now.
      scheduleFlush();
    }
    if (history.status === 'fulfilled') {
      // After a reconnect, keep the user's place in older pages rather than restarting the cursor.
      const cursor = store.getState().historyLoaded ? undefined : history.value.nextCursor;
      state.addHistory(history.value.entries, cursor);
    }
    if (notices.status === 'fulfilled') state.addNotices(notices.value);
    const failed = [accounts, tasks, history, settings].find((result) => result.status === 'rejected');
    state.setLoadError(failed === undefined ? null : describeError(toErrorView(failed.reason)));
  };

  const resolveFile = async (file: File): Promise<Resolved | null> => {
    // Only a slow intake gets a row of its own; in Electron the task row appears almost at once.
    const localId = intake.copiesBytes ? newLocalId() : null;
    if (localId !== null) {
      queueLocal({
        id: localId,
        name: file.name,
        size: file.size,
        state: 'staging',
        error: null,
        reason: null,
      });
    }
    try {
      return { path: await intake.pathFor(file), localId, name: file.name, size: file.size };
    } catch (error) {
      failLocal(file.name, file.size, { error: toErrorView(error) }, localId ?? undefined);
      return null;
    }
  };

  const addFiles = async (files: readonly File[], accountId: string): Promise<void> => {
    for (let start = 0; start < files.length; start += filesPerAdd) {
      const chunk = files.slice(start, start + filesPerAdd);
      const resolved = (await mapLimited(chunk, stagingConcurrency, resolveFile)).filter(
        (entry) => entry !== null,
      );
      if (resolved.length === 0) continue;
      try {
        const { taskIds } = await api.invoke('uploads.add', {
          paths: resolved.map((entry) => entry.path),
          accountId,
          ...dropProcessing(),
        });
        // The task rows come with the next tasks.changed event; each staging row stays until its task
        // row is there to take its place (no re-listing of every task per chunk of a big drop).
        taskIds.forEach((taskId, index) => {
          const localId = resolved[index]?.localId;
          if (localId != null) stagingRowOfTask.set(taskId, localId);
        });
        scheduleFlush();
      } catch (error) {
        const view = toErrorView(error);
        for (const entry of resolved)
          failLocal(entry.name, entry.size, { error: view }, entry.localId ?? undefined);
      }
    }
  };

  /**
   * Files the main side was asked to open (a second instance, the OS "open with", a tray drop with no
   * default account): they are on disk already, so they go straight to the selected account.
   */
  const addOpenedPaths = async (paths: readonly string[]): Promise<void> => {
    store.getState().setView('queue');
    const named = paths.map((path) => ({ name: path.split(/[\\/]/).pop() || path, size: null }));
    const accountId = currentAccount(named);
    if (accountId === null) return;
    for (let start = 0; start < paths.length; start += filesPerAdd) {
      const chunk = paths.slice(start, start + filesPerAdd);
      try {
        await api.invoke('uploads.add', { paths: [...chunk], accountId, ...dropProcessing() });
      } catch (error) {
        const view = toErrorView(error);
        for (const { name } of named.slice(start, start + filesPerAdd))
          failLocal(name, null, { error: view });
      }
    }
  };

  const currentAccount = (names: readonly { name: string; size: number | null }[]): string | null => {
    const accountId = store.getState().selectedAccountId;
    if (accountId === null) {
      for (const { name, size } of names)
        failLocal(name, size, { reason: { key: 'queue:local.chooseAccount' } });
    }
    return accountId;
  };

  const askAboutFolder = async (
    item: Extract<DroppedItem, { kind: 'folder' }>,
    accountId: string,
  ): Promise<void> => {
    const id = newLocalId();
    const prompt = { id, folderName: item.name, accountId };
    if ('files' in item) {
      store.getState().upsertFolderPrompt({ ...prompt, files: item.files });
      return;
    }
    store.getState().upsertFolderPrompt({ ...prompt, files: null });
    const files = await filesInFolder(item.entry);
    // The user may have cancelled while the folder was being counted.
    if (store.getState().folderPrompts.some((existing) => existing.id === id)) {
      store.getState().upsertFolderPrompt({ ...prompt, files });
    }
  };

  const addItems = async (items: readonly DroppedItem[]): Promise<void> => {
    if (items.length === 0) return;
    const accountId = currentAccount(
      items.map((item) =>
        item.kind === 'file'
          ? { name: item.file.name, size: item.file.size }
          : { name: item.name, size: null },
      ),
    );
    if (accountId === null) return;
    const files = items.flatMap((item) => (item.kind === 'file' ? [item.file] : []));
    await Promise.all([
      ...items.flatMap((item) => (item.kind === 'folder' ? [askAboutFolder(item, accountId)] : [])),
      addFiles(files, accountId),
    ]);
  };

  const taskCommand = async (command: TaskCommand, taskIds: readonly string[]): Promise<void> => {
    if (taskIds.length === 0) return;
    try {
      await api.invoke(command, { taskIds: [...taskIds] });
    } catch (error) {
      store.getState().setLoadError(describeError(toErrorView(error)));
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
          queueTasks(event.payload.tasks);
          break;
        case 'history.added':
          store.getState().addHistory([event.payload.entry]);
          break;
        case 'history.updated':
          store.getState().updateHistory(event.payload.entry);
          break;
        case 'settings.changed':
          store.getState().setSettings(event.payload.settings);
          break;
        case 'notice':
          store.getState().addNotices([event.payload]);
          break;
        case 'app.navigate':
          store.getState().setView(event.payload.view);
          break;
        case 'app.openFiles':
          void addOpenedPaths(event.payload.paths);
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
      clearTimeout(flushTimer);
    };
  };

  return {
    start,
    refresh,
    addItems,
    addPasted: (files) =>
      addItems(
        files.map((file) => ({
          kind: 'file',
          file: new File([file], pastedName(file), { type: file.type }),
        })),
      ),
    confirmFolder: async (id) => {
      const prompt = store.getState().folderPrompts.find((existing) => existing.id === id);
      if (prompt?.files == null) return;
      store.getState().removeFolderPrompt(id);
      await addFiles(prompt.files, prompt.accountId);
    },
    cancelFolder: (id) => store.getState().removeFolderPrompt(id),
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
    updateSettings: async (patch) => {
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
    },
    rotateLocalApiSecret: async () => {
      try {
        store.getState().setSettings(await api.invoke('settings.rotateLocalApiSecret', {}));
        store.getState().setSettingsError(null);
      } catch (error) {
        store.getState().setSettingsError(describeError(toErrorView(error)));
      }
    },
    loadMoreHistory,
    dismissLocalItem: (id) => store.getState().removeLocalItem(id),
    dismissNotice: async (id) => {
      store.getState().dismissNotice(id);
      // If the service cannot be told, the notice comes back at the next start: shown again, not lost.
      await api.invoke('notices.dismiss', { id }).catch(() => undefined);
    },
    thumbnailUrl: (key) => api.thumbnailUrl(key),
  };
}
