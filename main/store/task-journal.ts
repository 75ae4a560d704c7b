import type { ErrorView } from '../../shared/errors.ts';
import type { TaskState } from '../../shared/models.ts';
import type { ProcessingSettings } from '../../shared/processing.ts';
import type { SqliteDatabase } from './database.ts';

/** What a task does before its bytes leave, fixed when it is added so that a resume does the same. */
export interface TaskPlan {
  /** Null: the file is sent as it is ("upload original"). */
  processing: ProcessingSettings | null;
  /** Reuse an earlier entry of the same bytes on the same account. */
  dedupe: boolean;
  /** The remote-name pattern; empty: the provider's default. */
  rename: string;
}

/** The bytes a task sends when they are not the user's file as it is: a processed copy in the data folder. */
export interface StagedBytes {
  /** Null when processing decided to send the file as it is (then only `notice` and `removed` matter). */
  path: string | null;
  size: number;
  sha256: string | null;
  name: string;
  originalSize: number;
  removed: string[];
  notice: string | null;
}

/** A task as the journal holds it: the truth about one file's upload, on disk. */
export interface TaskRecord {
  id: string;
  accountId: string;
  path: string;
  name: string;
  size: number | null;
  mtimeMs: number | null;
  /** The file's change time when the task was made; null for tasks journaled before it was kept. */
  ctimeMs: number | null;
  state: TaskState;
  /** The provider's session (server-side identity of the upload), as the adapter serialised it. */
  session: unknown;
  committedBytes: number;
  md5: string | null;
  sha256: string | null;
  error: ErrorView | null;
  historyId: string | null;
  createdAt: number;
  updatedAt: number;
  /** Null for tasks that predate processing, or added by a caller that plans nothing. */
  plan: TaskPlan | null;
  staged: StagedBytes | null;
  /** The name on the server, made from the pattern once: {uuid}, {rand} and {hash} must not change on resume. */
  remoteName: string | null;
}

interface TaskRow {
  id: string;
  account_id: string;
  path: string;
  name: string;
  size: number | null;
  mtime_ms: number | null;
  ctime_ms: number | null;
  state: TaskState;
  session_json: string | null;
  committed_bytes: number;
  md5: string | null;
  sha256: string | null;
  error_json: string | null;
  history_id: string | null;
  created_at: number;
  updated_at: number;
  plan_json: string | null;
  staged_json: string | null;
  remote_name: string | null;
}

function fromRow(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    path: row.path,
    name: row.name,
    size: row.size,
    mtimeMs: row.mtime_ms,
    ctimeMs: row.ctime_ms,
    state: row.state,
    session: row.session_json === null ? null : (JSON.parse(row.session_json) as unknown),
    committedBytes: row.committed_bytes,
    md5: row.md5,
    sha256: row.sha256,
    error: row.error_json === null ? null : (JSON.parse(row.error_json) as ErrorView),
    historyId: row.history_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    plan: row.plan_json === null ? null : (JSON.parse(row.plan_json) as TaskPlan),
    staged: row.staged_json === null ? null : (JSON.parse(row.staged_json) as StagedBytes),
    remoteName: row.remote_name,
  };
}

export type NewTask = Pick<
  TaskRecord,
  'id' | 'accountId' | 'path' | 'name' | 'size' | 'mtimeMs' | 'state' | 'error'
> &
  Partial<Pick<TaskRecord, 'ctimeMs'>> & { plan?: TaskPlan | null };

/**
 * The upload journal. Every method is one synchronous SQLite transaction, so when it returns the
 * change is on disk (WAL) and survives a crash of the process.
 */
export class TaskJournal {
  readonly #db: SqliteDatabase;
  readonly #insert;
  readonly #get;
  readonly #unfinished;
  readonly #all;
  readonly #setState;
  readonly #saveHashes;
  readonly #saveSession;
  readonly #saveFirstSession;
  readonly #fail;
  readonly #complete;
  readonly #transition;
  readonly #cancel;
  readonly #requeue;
  readonly #restart;
  readonly #findLive;
  readonly #inStates;
  readonly #saveStaged;
  readonly #saveRemoteName;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#insert = db.prepare<[Record<string, unknown>]>(
      `INSERT INTO tasks (id, account_id, path, name, size, mtime_ms, ctime_ms, state, error_json, plan_json,
                          created_at, updated_at)
       VALUES (@id, @accountId, @path, @name, @size, @mtimeMs, @ctimeMs, @state, @errorJson, @planJson, @now,
               @now)`,
    );
    this.#get = db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE id = ?');
    this.#unfinished = db.prepare<[], TaskRow>(
      `SELECT * FROM tasks WHERE state IN ('queued', 'hashing', 'uploading') ORDER BY created_at, rowid`,
    );
    this.#all = db.prepare<[], TaskRow>('SELECT * FROM tasks ORDER BY created_at, rowid');
    this.#setState = db.prepare<[TaskState, number, string]>(
      'UPDATE tasks SET state = ?, updated_at = ? WHERE id = ?',
    );
    this.#saveHashes = db.prepare<[string | null, string, number, string]>(
      'UPDATE tasks SET md5 = ?, sha256 = ?, updated_at = ? WHERE id = ?',
    );
    this.#saveSession = db.prepare<[string, number, number, string]>(
      'UPDATE tasks SET session_json = ?, committed_bytes = ?, updated_at = ? WHERE id = ?',
    );
    this.#saveFirstSession = db.prepare<[string, string | null, string | null, number, string]>(
      'UPDATE tasks SET session_json = ?, committed_bytes = 0, md5 = ?, sha256 = ?, updated_at = ? WHERE id = ?',
    );
    this.#fail = db.prepare<[string, number, string]>(
      `UPDATE tasks SET state = 'failed', error_json = ?, updated_at = ? WHERE id = ?`,
    );
    this.#complete = db.prepare<[number, string, number, string]>(
      `UPDATE tasks SET state = 'done', committed_bytes = ?, history_id = ?, error_json = NULL, updated_at = ?
       WHERE id = ?`,
    );
    this.#transition = db.prepare<[TaskState, number, string, string]>(
      'UPDATE tasks SET state = ?, updated_at = ? WHERE id = ? AND state IN (SELECT value FROM json_each(?))',
    );
    // A cancelled task forgets its server session: resuming it would need a session the user gave up.
    this.#cancel = db.prepare<[number, string]>(
      `UPDATE tasks SET state = 'cancelled', session_json = NULL, committed_bytes = 0, updated_at = ?
       WHERE id = ? AND state IN ('queued', 'hashing', 'uploading', 'paused')`,
    );
    this.#requeue = db.prepare<[number, string]>(
      `UPDATE tasks SET state = 'queued', error_json = NULL, updated_at = ?
       WHERE id = ? AND state IN ('failed', 'cancelled')`,
    );
    this.#restart = db.prepare<[number, number, number, number, string]>(
      `UPDATE tasks SET state = 'queued', error_json = NULL, size = ?, mtime_ms = ?, ctime_ms = ?, md5 = NULL,
              sha256 = NULL, session_json = NULL, committed_bytes = 0, remote_name = NULL, updated_at = ?
       WHERE id = ? AND state IN ('failed', 'cancelled')`,
    );
    this.#findLive = db.prepare<[string, string], TaskRow>(
      `SELECT * FROM tasks WHERE account_id = ? AND path IN (SELECT value FROM json_each(?))
         AND state IN ('queued', 'hashing', 'uploading', 'paused')
       ORDER BY created_at, rowid`,
    );
    // A new staging (or none) forgets the hashes of the bytes the task sent before.
    this.#saveStaged = db.prepare<[string | null, number, string]>(
      'UPDATE tasks SET staged_json = ?, md5 = NULL, sha256 = NULL, updated_at = ? WHERE id = ?',
    );
    this.#saveRemoteName = db.prepare<[string, number, string]>(
      'UPDATE tasks SET remote_name = ?, updated_at = ? WHERE id = ?',
    );
    this.#inStates = db.prepare<[string], TaskRow>(
      'SELECT * FROM tasks WHERE state IN (SELECT value FROM json_each(?)) ORDER BY created_at, rowid',
    );
  }

  /** Insert many tasks in one transaction: a drop of 1,000 files is one fsync, not 1,000. */
  add(tasks: readonly NewTask[]): void {
    const now = Date.now();
    this.#db.transaction(() => {
      for (const task of tasks) {
        this.#insert.run({
          id: task.id,
          accountId: task.accountId,
          path: task.path,
          name: task.name,
          size: task.size,
          mtimeMs: task.mtimeMs,
          ctimeMs: task.ctimeMs ?? null,
          state: task.state,
          errorJson: task.error === null ? null : JSON.stringify(task.error),
          planJson: task.plan ? JSON.stringify(task.plan) : null,
          now,
        });
      }
    })();
  }

  get(id: string): TaskRecord | undefined {
    const row = this.#get.get(id);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Tasks a previous run left unfinished, oldest first: what to resume at start. */
  unfinished(): TaskRecord[] {
    return this.#unfinished.all().map(fromRow);
  }

  all(): TaskRecord[] {
    return this.#all.all().map(fromRow);
  }

  setState(id: string, state: TaskState): void {
    this.#setState.run(state, Date.now(), id);
  }

  saveHashes(id: string, md5: string | null, sha256: string): void {
    this.#saveHashes.run(md5, sha256, Date.now(), id);
  }

  /** Journal the processed bytes a task sends (or null once they are gone); their hashes start over. */
  saveStaged(id: string, staged: StagedBytes | null): void {
    this.#saveStaged.run(staged === null ? null : JSON.stringify(staged), Date.now(), id);
  }

  /** Journal the name the task's file gets on the server, before the provider first sees it. */
  saveRemoteName(id: string, remoteName: string): void {
    this.#saveRemoteName.run(remoteName, Date.now(), id);
  }

  /** Journal the provider session and the bytes the server has acknowledged under it. */
  saveSession(id: string, session: unknown, committedBytes: number): void {
    this.#saveSession.run(JSON.stringify(session), committedBytes, Date.now(), id);
  }

  /**
   * A session that has nothing committed yet, with the digests its bytes must match: one write, on
   * disk before the first byte leaves, instead of one for the digests and one for the session.
   */
  saveFirstSession(
    id: string,
    session: unknown,
    digests: { md5: string | null; sha256: string | null },
  ): void {
    this.#saveFirstSession.run(JSON.stringify(session), digests.md5, digests.sha256, Date.now(), id);
  }

  fail(id: string, error: ErrorView): void {
    this.#fail.run(JSON.stringify(error), Date.now(), id);
  }

  /** Move to `to` only from one of `from`; false when the task was in another state (or unknown). */
  transition(id: string, from: readonly TaskState[], to: TaskState): boolean {
    return this.#transition.run(to, Date.now(), id, JSON.stringify(from)).changes > 0;
  }

  cancel(id: string): boolean {
    return this.#cancel.run(Date.now(), id).changes > 0;
  }

  /**
   * Queue a failed or cancelled task again. When the file on disk is no longer the one the task knew,
   * it starts over (new hashes, new server session); otherwise it continues its session.
   */
  requeue(id: string, current: { size: number; mtimeMs: number; ctimeMs: number } | null): boolean {
    const now = Date.now();
    if (current === null) return this.#requeue.run(now, id).changes > 0;
    return this.#restart.run(current.size, current.mtimeMs, current.ctimeMs, now, id).changes > 0;
  }

  /**
   * The live tasks for any of these paths and this destination, oldest first: a second add of the same
   * file must not start a second upload. One query for a whole drop, not one per file.
   */
  findLive(accountId: string, paths: readonly string[]): TaskRecord[] {
    return this.#findLive.all(accountId, JSON.stringify(paths)).map(fromRow);
  }

  inStates(states: readonly TaskState[]): TaskRecord[] {
    return this.#inStates.all(JSON.stringify(states)).map(fromRow);
  }

  /** Mark done; call inside the transaction that writes the history entry (see HistoryStore.completeTask). */
  complete(id: string, committedBytes: number, historyId: string): void {
    this.#complete.run(committedBytes, historyId, Date.now(), id);
  }
}
