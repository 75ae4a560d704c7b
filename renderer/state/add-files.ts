import type { StoreApi } from 'zustand/vanilla';
import type { FerryApi } from '../../shared/contract.ts';
import type { ErrorView } from '../../shared/errors.ts';
import type { SettingsPatch } from '../../shared/settings.ts';
import type { FileIntake } from '../api/file-intake.ts';
import { filesInFolder, type DroppedItem } from '../models/dropped-item.ts';
import { toErrorView } from '../models/error-message.ts';
import type { LocalItem } from '../models/local-item.ts';
import type { AppStore } from './app-store.ts';
import { dropProcessing } from './drop-options.ts';
import { createDropQuestions, type DropQuestions } from './drop-questions.ts';
import type { TaskFeed } from './task-feed.ts';

/** How files get from a drop, a paste, a picker or the OS to `uploads.add`. */
export interface AddFiles {
  /** Files are queued at once; each folder first asks (with its file count) through a folder prompt. */
  addItems(items: readonly DroppedItem[]): Promise<void>;
  /** Pasted images: given a name that says what they are, then queued like dropped files. */
  addPasted(files: readonly File[]): Promise<void>;
  /**
   * Paths the main side was asked to open (a second instance, "open with", a tray drop). With
   * `rememberAccount` (the clipboard shortcut or the drop window found no default account) the account
   * they go to becomes the default, so the next time needs no window.
   */
  addOpenedPaths(paths: readonly string[], options?: { rememberAccount?: boolean }): Promise<void>;
  confirmFolder(id: string): Promise<void>;
  cancelFolder(id: string): void;
  answerAccount: DropQuestions['answerAccount'];
  answerEmpty: DropQuestions['answerEmpty'];
}

/** Files handed to `uploads.add` at once: uploading starts while the rest of a big drop is staged. */
const filesPerAdd = 100;
/** Staging streams whole files to the web shell; a few at once keeps the disk and socket busy, not thrashing. */
const stagingConcurrency = 4;

interface Resolved {
  path: string;
  slot: string;
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

export function createAddFiles(deps: {
  api: FerryApi;
  intake: FileIntake;
  store: StoreApi<AppStore>;
  feed: TaskFeed;
  /** Saves a setting the user chose while answering ("use this account from now on"). */
  updateSettings(patch: SettingsPatch): Promise<void>;
}): AddFiles {
  const { api, intake, store, feed } = deps;
  const questions = createDropQuestions({ store, updateSettings: deps.updateSettings });
  let counter = 0;
  const newId = (kind: string): string => `${kind}-${++counter}`;

  const failLocal = (
    slot: string,
    name: string,
    size: number | null,
    failure: { error: ErrorView } | { reason: NonNullable<LocalItem['reason']> },
  ): void =>
    feed.local({
      id: slot,
      name,
      size,
      state: 'failed',
      error: 'error' in failure ? failure.error : null,
      reason: 'reason' in failure ? failure.reason : null,
    });

  /** A batch for `count` files: its slots are the ids their rows go by until their tasks exist. */
  const openBatch = (count: number): { id: string; slots: string[] } => {
    const batch = { id: newId('batch'), slots: Array.from({ length: count }, () => newId('local')) };
    store.getState().openBatch({ ...batch, createdAt: Date.now(), open: true });
    return batch;
  };

  const resolveFile = async (file: File, slot: string): Promise<Resolved | null> => {
    try {
      return { path: await intake.pathFor(file), slot, name: file.name, size: file.size };
    } catch (error) {
      failLocal(slot, file.name, file.size, { error: toErrorView(error) });
      return null;
    }
  };

  const addFiles = async (all: readonly File[], accountId: string): Promise<void> => {
    const files = await questions.withoutUnwantedEmpty(all);
    if (files.length === 0) return;
    const batch = openBatch(files.length);
    // Only a slow intake gets rows of its own, all at once, so the whole drop is counted from the
    // start; in Electron the task rows appear almost at once.
    if (intake.copiesBytes) {
      files.forEach((file, index) =>
        feed.local({
          id: batch.slots[index]!,
          name: file.name,
          size: file.size,
          state: 'staging',
          error: null,
          reason: null,
        }),
      );
    }
    try {
      for (let start = 0; start < files.length; start += filesPerAdd) {
        const chunk = files.slice(start, start + filesPerAdd).map((file, index) => ({
          file,
          slot: batch.slots[start + index]!,
        }));
        const resolved = (
          await mapLimited(chunk, stagingConcurrency, ({ file, slot }) => resolveFile(file, slot))
        ).filter((entry) => entry !== null);
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
            const slot = resolved[index]?.slot;
            if (slot !== undefined) feed.claim(taskId, slot);
          });
        } catch (error) {
          const view = toErrorView(error);
          for (const entry of resolved) failLocal(entry.slot, entry.name, entry.size, { error: view });
        }
      }
    } finally {
      // Closed once every task id is claimed: the feed's flush then moves the tasks into their slots.
      feed.flush();
      store.getState().closeBatch(batch.id);
    }
  };

  /**
   * The account a drop goes to (see DropQuestions.accountFor). With no account at all, the files are
   * shown as refused, saying why.
   */
  const chooseAccount = async (
    names: readonly { name: string; size: number | null }[],
    remember = false,
  ): Promise<string | null> => {
    const accountId = await questions.accountFor(names.length, { remember });
    if (accountId !== undefined) return accountId;
    const batch = openBatch(names.length);
    names.forEach(({ name, size }, index) =>
      failLocal(batch.slots[index]!, name, size, { reason: { key: 'queue:local.chooseAccount' } }),
    );
    feed.flush();
    store.getState().closeBatch(batch.id);
    return null;
  };

  const askAboutFolder = async (
    item: Extract<DroppedItem, { kind: 'folder' }>,
    accountId: string,
  ): Promise<void> => {
    const id = newId('folder');
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
    const accountId = await chooseAccount(
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

  const addOpenedPaths = async (
    paths: readonly string[],
    options: { rememberAccount?: boolean } = {},
  ): Promise<void> => {
    store.getState().setView('queue');
    const named = paths.map((path) => ({ name: path.split(/[\\/]/).pop() || path, size: null }));
    const accountId = await chooseAccount(named, options.rememberAccount === true);
    if (accountId === null) return;
    const batch = openBatch(paths.length);
    try {
      for (let start = 0; start < paths.length; start += filesPerAdd) {
        const chunk = paths.slice(start, start + filesPerAdd);
        const slots = batch.slots.slice(start, start + filesPerAdd);
        try {
          const { taskIds } = await api.invoke('uploads.add', {
            paths: [...chunk],
            accountId,
            ...dropProcessing(),
          });
          taskIds.forEach((taskId, index) => feed.claim(taskId, slots[index]!));
        } catch (error) {
          const view = toErrorView(error);
          slots.forEach((slot, index) => failLocal(slot, named[start + index]!.name, null, { error: view }));
        }
      }
    } finally {
      feed.flush();
      store.getState().closeBatch(batch.id);
    }
  };

  return {
    addItems,
    addPasted: (files) =>
      addItems(
        files.map((file) => ({
          kind: 'file',
          file: new File([file], pastedName(file), { type: file.type }),
        })),
      ),
    addOpenedPaths,
    confirmFolder: async (id) => {
      const prompt = store.getState().folderPrompts.find((existing) => existing.id === id);
      if (prompt?.files == null) return;
      store.getState().removeFolderPrompt(id);
      await addFiles(prompt.files, prompt.accountId);
    },
    cancelFolder: (id) => store.getState().removeFolderPrompt(id),
    answerAccount: questions.answerAccount,
    answerEmpty: questions.answerEmpty,
  };
}
