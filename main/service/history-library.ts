import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import type { FerryEvent, Notice } from '../../shared/contract.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import { CommandError, type CommandHandlers } from '../contract-dispatch.ts';
import type { FerryLogger } from '../log/logger.ts';
import { BackupScheduler } from '../store/backups.ts';
import type { DatabaseRecovery, SqliteDatabase } from '../store/database.ts';
import type { HistoryStore } from '../store/history-store.ts';
import {
  claimExportPath,
  exportHistory,
  importHistory,
  NotARegularFileError,
} from '../store/history-transfer.ts';
import type { NoticeFile } from '../store/notice-file.ts';
import type { Thumbnailer } from '../thumbnails/thumbnailer.ts';
import type { PathPolicy } from './path-grants.ts';

/** MIME types the thumbnailer can decode; anything else gets no thumbnail and costs nothing. */
const thumbnailTypes = /^image\/(jpeg|png|webp|gif|avif|tiff|svg\+xml|heic|heif)$/;

export interface HistoryLibraryOptions {
  db: SqliteDatabase;
  history: HistoryStore;
  thumbnailer: Thumbnailer;
  backupsDir: string;
  /** Where exports are written: the user's downloads folder in the app, a data-folder dir otherwise. */
  exportDir: string;
  recovery: DatabaseRecovery | null;
  /** Where notices wait until the user dismisses them. */
  notices: NoticeFile;
  logger: FerryLogger;
  emit(event: FerryEvent): void;
  /** The OS file manager's "show in folder" (Electron's shell.showItemInFolder); absent outside the app. */
  showItemInFolder?: ((path: string) => void) | undefined;
  /** Whether a task's path is a copy the web shell staged (deleted after its upload). */
  isStagedCopy(path: string): boolean;
  /** Which files `history.import` may read: those Ferry was handed, like uploads.add. */
  paths: PathPolicy;
}

/**
 * The history as a library: its contract commands, thumbnails made after each upload, the automatic
 * backups, and what the user must be told about the database at start. Kept out of service.ts, which
 * composes; this owns the history's lifecycle.
 */
export class HistoryLibrary {
  readonly handlers: Pick<
    CommandHandlers,
    'history.list' | 'history.showLocalFile' | 'history.delete' | 'history.export' | 'history.import'
  >;
  readonly #options: HistoryLibraryOptions;
  readonly #backups: BackupScheduler;
  /** The notice about a damaged database this start repaired; null when the database opened healthy. */
  readonly recoveredAtStart: Notice | null = null;
  readonly #pending = new Set<Promise<void>>();

  constructor(options: HistoryLibraryOptions) {
    this.#options = options;
    const { history, logger } = options;
    this.#backups = new BackupScheduler(options.db, options.backupsDir, {
      onError: (error) => logger.error('database backup failed', { err: error }),
    });
    if (options.recovery) this.recoveredAtStart = this.#recovered(options.recovery);

    this.handlers = {
      'history.list': async ({ cursor, limit, ...filter }) =>
        history.query({ ...definedOnly(filter), limit, ...(cursor ? { cursor } : {}) }),
      'history.showLocalFile': async ({ id }) => {
        if (!history.get(id))
          throw new CommandError({ code: 'invalid-request', message: `No history entry "${id}".` });
        const recorded = history.localPathOf(id);
        // A copy the web shell staged for a browser drop is gone after the upload: not the user's file.
        const path = recorded !== null && !options.isStagedCopy(recorded) ? recorded : null;
        const exists =
          path !== null &&
          (await stat(path).then(
            (info) => info.isFile(),
            () => false,
          ));
        const shown = exists && options.showItemInFolder !== undefined;
        if (shown) options.showItemInFolder!(path!);
        return { path, exists, shown };
      },
      'history.delete': async ({ ids }) => {
        const deleted = history.delete(ids);
        options.emit({ name: 'history.removed', payload: { ids } });
        logger.info('history entries deleted', { count: deleted });
        return { deleted };
      },
      'history.export': async ({ format, filter, includeShareSecrets }) => {
        // The user's downloads folder in the app: created if missing, its mode left as the user has it.
        mkdirSync(options.exportDir, { recursive: true });
        const path = claimExportPath(options.exportDir, format);
        const { exported } = await exportHistory(history, path, {
          format,
          ...(filter ? { filter: definedOnly(filter) } : {}),
          includeShareSecrets,
        }).catch(async (error: unknown) => {
          await rm(path, { force: true }); // the empty file that held the name
          throw error;
        });
        logger.info('history exported', { format, exported, includeShareSecrets });
        return { path, exported };
      },
      'history.import': async ({ path, format }) => {
        await options.paths.admit([path]);
        try {
          const report = await importHistory(history, path, format);
          logger.info('history imported', {
            added: report.added,
            alreadyPresent: report.alreadyPresent,
            rejected: report.rejected.length,
          });
          return report;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw new CommandError({
            code:
              error instanceof NotARegularFileError
                ? error.isDirectory
                  ? 'folder-unsupported'
                  : 'file-unreadable'
                : code === 'ENOENT'
                  ? 'file-not-found'
                  : 'invalid-request',
            message: `Cannot import ${path}: ${(error as Error).message}`,
          });
        }
      },
    };
  }

  /** What the user has yet to read about the database (a restore or a reset), at this start or an earlier one. */
  startNotices(): Notice[] {
    return this.#options.notices.list();
  }

  /** The user has read it: not listed again. False for an id that is not (or no longer) listed. */
  dismissNotice(id: string): boolean {
    const dismissed = this.#options.notices.dismiss(id);
    if (dismissed) this.#options.logger.info('notice dismissed', { id });
    return dismissed;
  }

  start(): Promise<string | null> {
    return this.#backups.start();
  }

  /**
   * After an upload: its thumbnail (for images), then `after` (the web shell deletes its staged copy,
   * which the thumbnailer still reads). Never delays or fails the upload itself.
   */
  uploaded(entry: HistoryEntryView, path: string, after: () => void): void {
    this.#backups.uploadCompleted();
    if (!thumbnailTypes.test(entry.mimeType)) {
      after();
      return;
    }
    const work = this.#options.thumbnailer
      .thumbnailFor(path, { sha256: entry.sha256 })
      .then((result) => {
        if ('error' in result) {
          this.#options.logger.info('no thumbnail', { historyId: entry.id, reason: result.error });
          return;
        }
        this.#options.history.setThumbnailKey(entry.id, entry.sha256);
        const updated = this.#options.history.get(entry.id);
        if (updated) this.#options.emit({ name: 'history.updated', payload: { entry: updated } });
      })
      .catch((error: unknown) => this.#options.logger.error('thumbnail crashed', { err: error }))
      .finally(() => {
        after();
        this.#pending.delete(work);
      });
    this.#pending.add(work);
  }

  /** The cached thumbnail file for a key, if the key is well-formed; transports serve it. */
  thumbnailPath(key: string): string | null {
    return /^[0-9a-f]{64}$/.test(key) ? this.#options.thumbnailer.pathForHash(key) : null;
  }

  async close(): Promise<void> {
    await Promise.all(this.#pending);
    await this.#backups.close();
  }

  /** Tell the user, now and at every start until dismissed; the log keeps the details too. */
  #recovered(recovery: DatabaseRecovery): Notice {
    const notice: Notice = {
      id: randomUUID(),
      kind: recovery.restoredFrom ? 'database-restored' : 'database-reset',
      message: recoveryMessage(recovery, this.#options.db.name),
      createdAt: Date.now(),
    };
    this.#options.logger.error('database recovered at start', { ...recovery });
    try {
      this.#options.notices.add(notice);
    } catch (error) {
      // Still told at this start (notices.list, the CLI); only the reminder at later starts is lost.
      this.#options.logger.error('could not keep the database notice', { err: error });
    }
    return notice;
  }
}

/**
 * What was lost, where the damaged copy is and what the user can do, in one message for every front
 * end (the CLI prints it, the windows show it under a translated title).
 */
export function recoveryMessage(recovery: DatabaseRecovery, databaseFile: string): string {
  const damaged = `Ferry's database was damaged (${recovery.reason})`;
  const kept = `The damaged file is kept at "${recovery.movedAside}"`;
  if (recovery.restoredFrom !== null) {
    return (
      `${damaged} and has been restored from the backup "${recovery.restoredFrom}". Uploads, accounts ` +
      `and settings changed after that backup are missing. ${kept}: it may still hold them (SQLite's ` +
      `.recover command salvages what is readable).`
    );
  }
  return (
    `${damaged} and no usable backup existed, so Ferry started with an empty database: accounts, ` +
    `settings and the upload history are gone. ${kept}. To get them back, quit Ferry and copy a backup ` +
    `of your own over "${databaseFile}", or salvage the damaged file with SQLite's .recover command.`
  );
}

/** zod gives absent keys as undefined; the store's exactOptionalPropertyTypes wants them absent. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
