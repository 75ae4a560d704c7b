import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listBackups } from './backup-files.ts';
import { migrations } from './migrations.ts';
import { createPrivateFile, makePrivate } from './private-files.ts';

export type SqliteDatabase = Database.Database;

/**
 * Open (or create) Ferry's database: WAL so readers never block the writer and a crash never loses a
 * committed transaction, foreign keys on, and every pending migration applied.
 */
export function openDatabase(file: string): SqliteDatabase {
  const db = openUnmigrated(file);
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function openUnmigrated(file: string): SqliteDatabase {
  const onDisk = file !== ':memory:';
  if (onDisk) {
    mkdirSync(dirname(file), { recursive: true });
    // SQLite gives its -wal and -shm the database file's mode: a private file keeps them private.
    createPrivateFile(file);
  }
  const db = new Database(file);
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    // WAL can be refused (some network file systems); then the default rollback journal still keeps
    // every commit atomic, only readers and the writer wait for each other.
    if (mode !== 'wal' && onDisk) db.pragma('journal_mode = DELETE');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Files an earlier version made (0644) are tightened too.
    if (onDisk) makePrivate(`${file}-wal`, `${file}-shm`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: SqliteDatabase): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(
      `The database was written by a newer Ferry (schema ${current}, this build knows ${migrations.length}).`,
    );
  }
  for (let version = current; version < migrations.length; version++) {
    const apply = db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    });
    apply();
  }
}

/** SQLite's own verdict that the file is damaged (as opposed to busy, read-only, newer, ...). */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/**
 * `PRAGMA quick_check` of every ordinary table and its indexes (the FTS index's shadow tables
 * included): null when healthy, else the first problem. Table by table because the whole-file
 * quick_check also runs FTS5's logical self-check, which reads the entire index (seconds at 100,000
 * entries) — too slow for every start; the b-trees it would read are checked here all the same.
 */
export function integrityProblem(db: SqliteDatabase): string | null {
  try {
    const tables = db
      .prepare<[], string>(
        `SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'`,
      )
      .pluck()
      .all();
    for (const table of ['sqlite_schema', ...tables]) {
      const result = db.pragma(`quick_check("${table.replaceAll('"', '""')}")`, { simple: true });
      if (result !== 'ok') return `${table}: ${String(result)}`;
    }
    return null;
  } catch (error) {
    if (isCorruptionError(error)) return (error as Error).message;
    throw error;
  }
}

export interface DatabaseRecovery {
  /** What was wrong: the integrity check's first finding or SQLite's error. */
  reason: string;
  /** Where the damaged file now is (its WAL, if any, next to it with "-wal"). */
  movedAside: string;
  /** The backup the database was restored from; null when none was usable and Ferry started empty. */
  restoredFrom: string | null;
}

export interface OpenedDatabase {
  db: SqliteDatabase;
  /** Null when the database opened healthy; otherwise what happened, for the caller to tell the user. */
  recovery: DatabaseRecovery | null;
}

function stamp(): string {
  return new Date().toISOString().replaceAll(':', '-').replaceAll('.', '-');
}

function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/** Open, check and migrate; a damaged file yields its problem instead of a handle. */
function tryOpen(file: string): { db: SqliteDatabase } | { problem: string } {
  let db: SqliteDatabase | undefined;
  try {
    db = openUnmigrated(file);
    const problem = integrityProblem(db);
    if (problem !== null) {
      db.close();
      return { problem };
    }
    migrate(db);
    return { db };
  } catch (error) {
    db?.close();
    if (isCorruptionError(error)) return { problem: (error as Error).message };
    throw error;
  }
}

/**
 * Open Ferry's database like `openDatabase`, after checking it. A damaged database is moved aside
 * (`ferry.db.corrupt-<time>`) and replaced by the newest backup in `backupsDir` that passes the same
 * check; when there is none, Ferry starts with an empty database — and says so in `recovery`, never
 * silently. An empty (zero-byte) file while backups exist counts as damaged: that is a truncation, not
 * a first start.
 */
export function openCheckedDatabase(file: string, options: { backupsDir?: string } = {}): OpenedDatabase {
  const backupsDir = options.backupsDir ?? join(dirname(file), 'backups');
  const backups = listBackups(backupsDir);
  const truncated = existsSync(file) && statSync(file).size === 0 && backups.length > 0;
  const first = truncated ? { problem: 'The database file is empty (truncated).' } : tryOpen(file);
  if ('db' in first) return { db: first.db, recovery: null };

  const movedAside = `${file}.corrupt-${stamp()}`;
  renameSync(file, movedAside);
  if (existsSync(`${file}-wal`)) renameSync(`${file}-wal`, `${movedAside}-wal`);
  rmSync(`${file}-shm`, { force: true });
  makePrivate(movedAside, `${movedAside}-wal`);

  for (const backup of backups) {
    copyFileSync(backup, file);
    const restored = tryOpen(file);
    if ('db' in restored) {
      return { db: restored.db, recovery: { reason: first.problem, movedAside, restoredFrom: backup } };
    }
    removeDatabaseFiles(file);
  }
  return { db: openDatabase(file), recovery: { reason: first.problem, movedAside, restoredFrom: null } };
}
