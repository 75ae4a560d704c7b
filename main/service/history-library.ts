import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FerryEvent, Notice } from '../../shared/contract.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import { CommandError, type CommandHandlers } from '../contract-dispatch.ts';
import type { FerryLogger } from '../log/logger.ts';
import { BackupScheduler } from '../store/backups.ts';
import type { DatabaseRecovery, SqliteDatabase } from '../store/database.ts';
import type { HistoryStore } from '../store/history-store.ts';
import { exportHistory, importHistory } from '../store/history-transfer.ts';
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
  readonly #notices: Notice[] = [];
  readonly #pending = new Set<Promise<void>>();

  constructor(options: HistoryLibraryOptions) {
    this.#options = options;
    const { history, logger } = options;
    this.#backups = new BackupScheduler(options.db, options.backupsDir, {
      onError: (error) => logger.error('database backup failed', { err: error }),
    });
    if (options.recovery) this.#recovered(options.recovery);

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
        mkdirSync(options.exportDir, { recursive: true });
        const stamp = new Date().toISOString().replaceAll(':', '-').replace(/\..*$/, '');
        const path = join(options.exportDir, `ferry-history-${stamp}.${format === 'json' ? 'jsonl' : 'csv'}`);
        const { exported } = await exportHistory(history, path, {
          format,
          ...(filter ? { filter: definedOnly(filter) } : {}),
          includeShareSecrets,
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
            code: code === 'ENOENT' ? 'file-not-found' : 'invalid-request',
            message: `Cannot import ${path}: ${(error as Error).message}`,
          });
        }
      },
    };
  }

  /** What the user must be told about the database at start (a restore or a reset), for notices.list. */
  startNotices(): Notice[] {
    return [...this.#notices];
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

  #recovered(recovery: DatabaseRecovery): void {
    const notice: Notice = recovery.restoredFrom
      ? {
          id: randomUUID(),
          kind: 'database-restored',
          message: `Ferry's history database was damaged (${recovery.reason}). It was restored from the backup of ${recovery.restoredFrom}; uploads after that backup are missing from the history. The damaged file was kept at ${recovery.movedAside}.`,
          createdAt: Date.now(),
        }
      : {
          id: randomUUID(),
          kind: 'database-reset',
          message: `Ferry's history database was damaged (${recovery.reason}) and no usable backup existed, so Ferry started with an empty history. The damaged file was kept at ${recovery.movedAside}.`,
          createdAt: Date.now(),
        };
    this.#notices.push(notice);
    this.#options.logger.error('database recovered at start', { ...recovery });
  }
}

/** zod gives absent keys as undefined; the store's exactOptionalPropertyTypes wants them absent. */
function definedOnly<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
