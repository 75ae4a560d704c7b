import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations.ts';

export type SqliteDatabase = Database.Database;

/**
 * Open (or create) Ferry's database: WAL so readers never block the writer and a crash never loses a
 * committed transaction, foreign keys on, and every pending migration applied.
 */
export function openDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode; only an OS crash may lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
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
