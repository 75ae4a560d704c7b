import Database from 'better-sqlite3';
import { renameSync, rmSync } from 'node:fs';
import { freshBackupPath, listBackups, removeBackupLeftovers } from './backup-files.ts';
import { integrityProblem, type SqliteDatabase } from './database.ts';
import { createPrivateFile, makePrivate, makePrivateDir } from './private-files.ts';

export interface BackupPolicy {
  /** A backup at least this often while Ferry runs. */
  intervalMs: number;
  /** …and after this many completed uploads, whichever comes first… */
  uploadsPerBackup: number;
  /**
   * …once uploads have paused this long: a backup copies and checks the whole database on the main
   * process, so it waits for a gap rather than stall a batch in flight (0: at once).
   */
  quietMs: number;
  /** A stream of uploads with no gap still gets its backup after this many. */
  maxUploadsWithoutBackup: number;
  /** How many backups to keep (the newest). */
  keep: number;
}

export const defaultBackupPolicy: BackupPolicy = {
  intervalMs: 6 * 60 * 60 * 1000,
  uploadsPerBackup: 100,
  quietMs: 5_000,
  maxUploadsWithoutBackup: 1_000,
  keep: 3,
};

function removeSidecars(file: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/**
 * Copy the live database with SQLite's online backup (consistent while Ferry keeps writing), check the
 * copy, and only then give it its final name (0600) and drop backups beyond `keep`. A copy that fails
 * the check (the live database went bad) is deleted and the older, good backups stay.
 */
export async function backupDatabase(
  db: SqliteDatabase,
  dir: string,
  keep = defaultBackupPolicy.keep,
): Promise<string> {
  makePrivateDir(dir);
  const target = freshBackupPath(dir);
  const partial = `${target}.partial`;
  try {
    createPrivateFile(partial);
    await db.backup(partial);
    // The copy carries the live database's WAL mode, and reading a WAL database creates -wal and -shm
    // files that a read-only connection cannot remove. A rollback-journal copy is one self-contained
    // file: converted first, then checked, it leaves nothing beside it.
    const copy = new Database(partial);
    let problem: string | null;
    try {
      copy.pragma('journal_mode = DELETE');
      problem = integrityProblem(copy);
    } finally {
      copy.close();
    }
    removeSidecars(partial);
    if (problem !== null)
      throw new Error(`The backup failed its integrity check (${problem}); older backups kept.`);
    makePrivate(partial);
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { force: true });
    removeSidecars(partial);
    throw error;
  }
  for (const old of listBackups(dir).slice(Math.max(1, keep))) rmSync(old, { force: true });
  return target;
}

/**
 * Automatic backups: one at start, then every `intervalMs` and after every `uploadsPerBackup` completed
 * uploads. Backups never overlap; a request during one runs once it ends. Await `close()` before
 * closing the database.
 */
export class BackupScheduler {
  readonly #db: SqliteDatabase;
  readonly #dir: string;
  readonly #policy: BackupPolicy;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #quietTimer: NodeJS.Timeout | undefined;
  #uploadsSinceBackup = 0;
  #running: Promise<string | null> | null = null;
  #again = false;
  #closed = false;

  constructor(
    db: SqliteDatabase,
    dir: string,
    options: Partial<BackupPolicy> & { onError?: (error: unknown) => void } = {},
  ) {
    this.#db = db;
    this.#dir = dir;
    this.#policy = { ...defaultBackupPolicy, ...options };
    this.#onError = options.onError ?? (() => undefined);
  }

  /**
   * The backup at start, after removing what unfinished backups left (earlier versions left a WAL and
   * SHM pair at every start); resolves with its path (null if it failed: reported through onError).
   */
  start(): Promise<string | null> {
    removeBackupLeftovers(this.#dir);
    this.#timer = setInterval(() => void this.backupNow(), this.#policy.intervalMs);
    this.#timer.unref();
    return this.backupNow();
  }

  /**
   * Count a completed upload. After `uploadsPerBackup` of them a backup is due: it starts once no
   * upload has completed for `quietMs`, or at once when `maxUploadsWithoutBackup` went by without a gap.
   */
  uploadCompleted(): void {
    this.#uploadsSinceBackup += 1;
    const { uploadsPerBackup, quietMs, maxUploadsWithoutBackup } = this.#policy;
    if (this.#uploadsSinceBackup < uploadsPerBackup) return;
    clearTimeout(this.#quietTimer);
    if (quietMs <= 0 || this.#uploadsSinceBackup >= maxUploadsWithoutBackup) {
      void this.backupNow();
      return;
    }
    this.#quietTimer = setTimeout(() => void this.backupNow(), quietMs);
    this.#quietTimer.unref();
  }

  backupNow(): Promise<string | null> {
    if (this.#closed) return Promise.resolve(null);
    if (this.#running !== null) {
      this.#again = true;
      return this.#running;
    }
    this.#uploadsSinceBackup = 0;
    clearTimeout(this.#quietTimer);
    this.#running = backupDatabase(this.#db, this.#dir, this.#policy.keep)
      .catch((error: unknown) => {
        this.#onError(error);
        return null;
      })
      .finally(() => {
        this.#running = null;
        if (this.#again && !this.#closed) {
          this.#again = false;
          void this.backupNow();
        }
      });
    return this.#running;
  }

  /** Resolves when no backup is running (or queued to run). */
  async idle(): Promise<void> {
    while (this.#running !== null) await this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#quietTimer);
    while (this.#running !== null) await this.#running;
  }
}
