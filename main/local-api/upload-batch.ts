import { basename } from 'node:path';
import type { CommandResponse, FerryEvent } from '../../shared/contract.ts';
import { urlFormat } from '../../shared/copy-formats/basic.ts';
import type { HistoryEntryView, TaskView } from '../../shared/models.ts';
import type { FileError } from './picgo-request.ts';

/** What the local API needs of the service: its contract, nothing behind it. */
export interface ServiceClient {
  /** Validate and run one contract command; throws CommandError for a refused call. */
  dispatch(name: unknown, request: unknown): Promise<unknown>;
  subscribe(listener: (event: FerryEvent) => void): () => void;
}

export type FileOutcome = { url: string } | { error: FileError };

export interface UploadBatchOptions {
  accountId: string;
  /** The client went away or the server is stopping: stop waiting (the uploads go on in Ferry). */
  signal: AbortSignal;
  /** Files still unfinished after this long are answered with a `timeout` error; they keep uploading. */
  timeoutMs: number;
}

/**
 * Upload absolute paths as one `uploads.add` and wait until each task is done, failed or cancelled.
 * Outcomes are in the order of `paths`. The whole call is refused (a CommandError) only when
 * uploads.add is, e.g. for an unknown account.
 */
export async function uploadAndWait(
  service: ServiceClient,
  paths: readonly string[],
  options: UploadBatchOptions,
): Promise<FileOutcome[]> {
  const started = await waitForUploads(service, options, async () => {
    const { taskIds } = (await service.dispatch('uploads.add', {
      paths,
      accountId: options.accountId,
    })) as CommandResponse<'uploads.add'>;
    return { taskIds, paths };
  });
  return started?.outcomes ?? [];
}

/**
 * PicGo's "upload the clipboard": `uploads.clipboard` to the account, then the same wait. Null when the
 * clipboard holds nothing to upload; a CommandError where the service cannot read a clipboard.
 */
export async function uploadClipboardAndWait(
  service: ServiceClient,
  options: UploadBatchOptions,
): Promise<{ paths: string[]; outcomes: FileOutcome[] } | null> {
  return waitForUploads(service, options, async () => {
    const answer = (await service.dispatch('uploads.clipboard', {
      accountId: options.accountId,
    })) as CommandResponse<'uploads.clipboard'>;
    // With an account given, the service never asks for one; "empty" is the other answer.
    return answer.outcome === 'uploading' ? { taskIds: answer.taskIds, paths: answer.paths } : null;
  });
}

/**
 * Start uploads with `start` and wait until each of its tasks is done, failed or cancelled. The answer
 * for each comes from the contract's own events: `history.added` carries the entry (and its links),
 * `tasks.changed` says which task became which entry. Outcomes are in the order of the task ids.
 */
async function waitForUploads(
  service: ServiceClient,
  options: UploadBatchOptions,
  start: () => Promise<{ taskIds: string[]; paths: readonly string[] } | null>,
): Promise<{ paths: string[]; outcomes: FileOutcome[] } | null> {
  const tasks = new Map<string, TaskView>();
  const entries = new Map<string, HistoryEntryView>();
  let names: Set<string> | null = null;
  let wanted: Set<string> | null = null;
  let wake: (() => void) | null = null;

  // Subscribed before the tasks exist, so that no event about them can be missed. Only what can be
  // ours is kept: while this request waits, the user may be uploading thousands of other files.
  const onEvent = (event: FerryEvent): void => {
    if (event.name === 'tasks.changed') {
      for (const task of event.payload.tasks) {
        if (wanted ? wanted.has(task.id) : task.accountId === options.accountId) tasks.set(task.id, task);
      }
    } else if (event.name === 'history.added') {
      const { entry } = event.payload;
      if (entry.accountId === options.accountId && (names?.has(entry.name) ?? true))
        entries.set(entry.id, entry);
    } else {
      return;
    }
    wake?.();
  };
  const unsubscribe = service.subscribe(onEvent);
  const onAbort = (): void => wake?.();
  options.signal.addEventListener('abort', onAbort);
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const started = await start();
    if (started === null) return null;
    const { taskIds } = started;
    wanted = new Set(taskIds);
    names = new Set(started.paths.map((path) => basename(path)));
    for (const id of tasks.keys()) if (!wanted.has(id)) tasks.delete(id);
    for (const [id, entry] of entries) if (!names.has(entry.name)) entries.delete(id);

    let timedOut = false;
    timer = setTimeout(() => {
      timedOut = true;
      wake?.();
    }, options.timeoutMs);
    for (;;) {
      options.signal.throwIfAborted();
      const outcomes = taskIds.map((id) => outcomeOf(tasks.get(id), entries));
      if (outcomes.every((outcome) => outcome !== null)) return { paths: [...started.paths], outcomes };
      if (timedOut)
        return {
          paths: [...started.paths],
          outcomes: outcomes.map((outcome) => outcome ?? timeoutOutcome(options.timeoutMs)),
        };
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
    unsubscribe();
  }
}

/** A task's answer once it has one; null while it is queued, running or paused. */
function outcomeOf(
  task: TaskView | undefined,
  entries: ReadonlyMap<string, HistoryEntryView>,
): FileOutcome | null {
  if (task === undefined) return null;
  switch (task.state) {
    case 'done': {
      // history.added is emitted before the batched tasks.changed, so the entry is normally there.
      const entry = task.historyId === null ? undefined : entries.get(task.historyId);
      if (entry === undefined) return null;
      const url = urlFormat(entry);
      return url === ''
        ? { error: { code: 'malformed-response', message: 'Uploaded, but the provider returned no link.' } }
        : { url };
    }
    case 'failed':
      return {
        error: task.error
          ? { code: task.error.code, message: task.error.message }
          : { code: 'internal', message: 'The upload failed.' },
      };
    case 'cancelled':
      return { error: { code: 'cancelled', message: 'The upload was cancelled in Ferry.' } };
    default:
      return null;
  }
}

function timeoutOutcome(timeoutMs: number): FileOutcome {
  const minutes = Math.round(timeoutMs / 60_000);
  const after =
    minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(timeoutMs / 1000)} s`;
  return {
    error: {
      code: 'timeout',
      message: `Still uploading (or paused) after ${after}; Ferry goes on and the link will be in its history.`,
    },
  };
}
