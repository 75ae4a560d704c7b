import type { StoreApi } from 'zustand/vanilla';
import type { FerryApi } from '../../shared/contract.ts';
import type { ErrorView } from '../../shared/errors.ts';
import type { SettingsPatch } from '../../shared/settings.ts';
import type { FileIntake } from '../api/file-intake.ts';
import { filesInFolder, type DroppedItem } from '../models/dropped-item.ts';
import { toErrorView } from '../models/error-message.ts';
import type { LocalItem } from '../models/local-item.ts';
import { targetAccount, type AppStore, type Question } from './app-store.ts';
import type { TaskFeed } from './task-feed.ts';

/** How files get from a drop, a paste, a picker or the OS to `uploads.add`. */
export interface AddFiles {
  /** Files are queued at once; each folder first asks (with its file count) through a folder prompt. */
  addItems(items: readonly DroppedItem[]): Promise<void>;
  /** Pasted images: given a name that says what they are, then queued like dropped files. */
  addPasted(files: readonly File[]): Promise<void>;
  /** Paths the main side was asked to open (a second instance, "open with", a tray drop). */
  addOpenedPaths(paths: readonly string[]): Promise<void>;
  confirmFolder(id: string): Promise<void>;
  cancelFolder(id: string): void;
  /** The account a waiting drop goes to (null: upload nothing); `remember` makes it the default. */
  answerAccount(id: string, accountId: string | null, remember: boolean): void;
  /** Whether a waiting drop's empty files go too; `always` stops the question for good. */
  answerEmpty(id: string, upload: boolean, always: boolean): void;
}

type AccountAnswer = { accountId: string; remember: boolean } | null;
type EmptyAnswer = { upload: boolean; always: boolean };

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
  let counter = 0;
  const newId = (kind: string): string => `${kind}-${++counter}`;

  // Each question's answer resolves the drop that asked it; the store holds only what to show.
  const waiting = new Map<string, (answer: never) => void>();
  const ask = <Answer>(question: Question): Promise<Answer> =>
    new Promise<Answer>((resolve) => {
      waiting.set(question.id, resolve as (answer: never) => void);
      store.getState().addQuestion(question);
    });
  const answer = <Answer>(id: string, value: Answer): void => {
    const resolve = waiting.get(id) as ((answer: Answer) => void) | undefined;
    waiting.delete(id);
    store.getState().removeQuestion(id);
    resolve?.(value);
  };

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

  /** Empty files go only when the settings say so or the user agrees, asked once for the drop. */
  const withoutUnwantedEmpty = async (files: readonly File[]): Promise<readonly File[]> => {
    const empty = files.filter((file) => file.size === 0);
    if (empty.length === 0 || store.getState().settings?.uploadEmptyFiles === true) return files;
    const choice = await ask<EmptyAnswer>({
      id: newId('question'),
      kind: 'empty',
      names: empty.slice(0, 5).map((file) => file.name),
      total: empty.length,
    });
    if (choice.upload && choice.always) void deps.updateSettings({ uploadEmptyFiles: true });
    return choice.upload ? files : files.filter((file) => file.size > 0);
  };

  const addFiles = async (all: readonly File[], accountId: string): Promise<void> => {
    const files = await withoutUnwantedEmpty(all);
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
   * The account a drop goes to: the one picked (or the only one), else the user's answer to "which
   * account?" before anything is uploaded. With no account at all, the files are shown as refused.
   */
  const chooseAccount = async (
    names: readonly { name: string; size: number | null }[],
  ): Promise<string | null> => {
    const state = store.getState();
    const target = targetAccount(state);
    if (target !== null) return target;
    if (state.accounts.length > 0) {
      const choice = await ask<AccountAnswer>({
        id: newId('question'),
        kind: 'account',
        count: names.length,
      });
      if (choice?.remember) void deps.updateSettings({ defaultAccountId: choice.accountId });
      return choice?.accountId ?? null;
    }
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

  const addOpenedPaths = async (paths: readonly string[]): Promise<void> => {
    store.getState().setView('queue');
    const named = paths.map((path) => ({ name: path.split(/[\\/]/).pop() || path, size: null }));
    const accountId = await chooseAccount(named);
    if (accountId === null) return;
    const batch = openBatch(paths.length);
    try {
      for (let start = 0; start < paths.length; start += filesPerAdd) {
        const chunk = paths.slice(start, start + filesPerAdd);
        const slots = batch.slots.slice(start, start + filesPerAdd);
        try {
          const { taskIds } = await api.invoke('uploads.add', { paths: [...chunk], accountId });
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
    answerAccount: (id, accountId, remember) =>
      answer<AccountAnswer>(id, accountId === null ? null : { accountId, remember }),
    answerEmpty: (id, upload, always) => answer<EmptyAnswer>(id, { upload, always }),
  };
}
