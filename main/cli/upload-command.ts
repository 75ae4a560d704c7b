import type { ProcessingSettings } from '../../shared/processing.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import type { TaskState } from '../../shared/models.ts';
import type { FerryService } from '../service.ts';
import { resolveAccount } from './accounts-command.ts';
import type { CliIo } from './cli-io.ts';
import { finishedLine, summaryLine, type FileResult } from './format.ts';
import { ProgressView } from './progress-view.ts';
import { TaskWatcher, type TaskWatcherCallbacks } from './task-watcher.ts';

interface Reporter extends TaskWatcherCallbacks {
  close(): void;
}

/** JSON lines, live bars on a terminal, or one plain line per finished file. */
function createReporter(io: CliIo, json: boolean): Reporter {
  if (json) {
    return {
      onFinished: (result) => io.stdout.write(`${JSON.stringify(result)}\n`),
      close() {},
    };
  }
  if (io.stdout.isTTY) {
    const view = new ProgressView(io.stdout);
    return {
      onProgress: (tasks) => view.update(tasks),
      onFinished: (result) => view.print(finishedLine(result)),
      close: () => view.close(),
    };
  }
  return {
    onFinished: (result) => io.stdout.write(`${finishedLine(result)}\n`),
    close() {},
  };
}

const resumableStates: readonly TaskState[] = ['queued', 'hashing', 'uploading'];

async function follow(
  service: FerryService,
  io: CliIo,
  json: boolean,
  start: (watcher: TaskWatcher) => Promise<string[]>,
): Promise<number> {
  const reporter = createReporter(io, json);
  // Created before the tasks exist, so no event about them can slip past.
  const watcher = new TaskWatcher(service, reporter);
  let results: FileResult[];
  try {
    const taskIds = await start(watcher);
    results = await watcher.wait(taskIds, io.signal);
  } finally {
    reporter.close();
    watcher.close();
  }
  if (io.signal.aborted) {
    const left = watcher.unfinished().length;
    io.stderr.write(
      `Interrupted. ${left} unfinished upload(s) kept; run \`ferry resume\` to finish them from where they stopped.\n`,
    );
    return 130;
  }
  if (!json && results.length > 0) io.stderr.write(`${summaryLine(results)}\n`);
  return results.every((result) => result.status === 'done') ? 0 : 1;
}

export async function upload(
  service: FerryService,
  io: CliIo,
  options: {
    paths: string[];
    account: string;
    json: boolean;
    process?: boolean;
    force?: boolean;
    processing?: Partial<ProcessingSettings>;
  },
): Promise<number> {
  const account = await resolveAccount(service, options.account);
  // The user typed these paths: the command line is a door that names files, like a drop.
  service.grantPaths(options.paths);
  return follow(service, io, options.json, async () => {
    const { taskIds } = (await service.dispatch('uploads.add', {
      paths: options.paths,
      accountId: account.id,
      ...(options.process === false ? { process: false } : {}),
      ...(options.force ? { force: true } : {}),
      ...(options.processing ? { processing: options.processing } : {}),
    })) as CommandResponse<'uploads.add'>;
    return taskIds;
  });
}

/** The service re-queues journaled unfinished tasks as it starts; this waits for exactly those. */
export async function resume(service: FerryService, io: CliIo, json: boolean): Promise<number> {
  let paused = 0;
  let found = 0;
  const code = await follow(service, io, json, async () => {
    const listed = (await service.dispatch('uploads.list', {})) as CommandResponse<'uploads.list'>;
    paused = listed.filter((task) => task.state === 'paused').length;
    const ids = listed.filter((task) => resumableStates.includes(task.state)).map((task) => task.id);
    found = ids.length;
    if (found > 0 && !json) io.stderr.write(`Resuming ${found} unfinished upload(s).\n`);
    return ids;
  });
  if (found === 0) {
    // With --json stdout carries only file lines, so the notice goes to stderr there.
    (json ? io.stderr : io.stdout).write('Nothing to resume.\n');
  }
  if (paused > 0) {
    io.stderr.write(`${paused} paused upload(s) left paused; resume them in the app.\n`);
  }
  return code;
}
