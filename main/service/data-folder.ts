import { join } from 'node:path';
import { createLogger, logDirOf, type FerryLogger } from '../log/logger.ts';
import { AccountStore } from '../store/account-store.ts';
import { lockDataDir } from '../store/data-dir-lock.ts';
import { openCheckedDatabase, type DatabaseRecovery, type SqliteDatabase } from '../store/database.ts';
import { HistoryStore } from '../store/history-store.ts';
import { NoticeFile } from '../store/notice-file.ts';
import { makePrivateDir } from '../store/private-files.ts';
import { SettingsStore } from '../store/settings-store.ts';
import { TaskJournal } from '../store/task-journal.ts';
import { createKeyFileCipher } from '../vault/key-file-cipher.ts';
import type { SecretCipher } from '../vault/secret-cipher.ts';
import { Vault } from '../vault/vault.ts';

export interface DataFolderOptions {
  dataDir: string;
  /** How secrets are encrypted at rest; a 0600 key file in the folder by default. */
  cipher?: SecretCipher | undefined;
  /** A logger owned by the caller; by default a rotating file in the folder's logs/, closed with it. */
  logger?: FerryLogger | undefined;
}

/** The data folder, opened by this process alone: the checked database, the log, the vault, the stores. */
export interface DataFolder {
  readonly dir: string;
  readonly db: SqliteDatabase;
  /** What the check at start had to repair, if anything: the user is told. */
  readonly recovery: DatabaseRecovery | null;
  /** Notices kept until the user dismisses them, across restarts. */
  readonly notices: NoticeFile;
  readonly logger: FerryLogger;
  readonly vault: Vault;
  readonly journal: TaskJournal;
  readonly history: HistoryStore;
  readonly accounts: AccountStore;
  readonly settings: SettingsStore;
  /** Close the database and the logger opened here (one passed in is only flushed), then unlock. */
  close(): Promise<void>;
}

/** Lock the folder, then open its database, log and vault; a step that fails undoes the ones before. */
export async function openDataFolder(options: DataFolderOptions): Promise<DataFolder> {
  const { dataDir } = options;
  // Everything inside (database, backups, logs, thumbnails, staged copies) is the user's alone.
  makePrivateDir(dataDir);
  const lock = lockDataDir(dataDir);
  let db: SqliteDatabase;
  let recovery: DatabaseRecovery | null;
  try {
    // Checked at every start: a damaged file is moved aside and the last good backup restored.
    ({ db, recovery } = openCheckedDatabase(join(dataDir, 'ferry.db'), {
      backupsDir: join(dataDir, 'backups'),
    }));
  } catch (error) {
    lock.release();
    throw error;
  }
  let logger: FerryLogger;
  try {
    logger = options.logger ?? (await createLogger({ file: { dir: logDirOf(dataDir) } }));
  } catch (error) {
    db.close();
    lock.release();
    throw error;
  }
  const ownsLogger = options.logger === undefined;
  const { redactor } = logger;
  let vault: Vault;
  let cipher: SecretCipher;
  try {
    cipher = options.cipher ?? createKeyFileCipher(join(dataDir, 'vault.key'));
    vault = new Vault(db, cipher, {
      // Every plaintext the vault sees is removed from every log line and error message from then on.
      onSecret: (value) => redactor.register(value),
    });
  } catch (error) {
    if (ownsLogger) await logger.close();
    db.close();
    lock.release();
    throw error;
  }
  const settings = new SettingsStore(db, cipher);
  if (settings.get().localApi.secret) redactor.register(settings.get().localApi.secret);

  return {
    dir: dataDir,
    db,
    recovery,
    notices: new NoticeFile(join(dataDir, 'notices.json')),
    logger,
    vault,
    journal: new TaskJournal(db),
    history: new HistoryStore(db),
    accounts: new AccountStore(db),
    settings,
    async close() {
      db.close();
      if (ownsLogger) await logger.close();
      else await logger.flush();
      lock.release();
    },
  };
}
