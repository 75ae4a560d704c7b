import type { HistoryDetails, HistoryEntryView, LinkView } from '../../shared/models.ts';
import type { SqliteDatabase } from './database.ts';
import type { TaskJournal } from './task-journal.ts';

interface HistoryRow {
  id: string;
  account_id: string;
  provider_id: string;
  name: string;
  size: number;
  mime_type: string;
  sha256: string;
  remote_id: string;
  links_json: string;
  details_json: string;
  created_at: number;
}

function fromRow(row: HistoryRow): HistoryEntryView {
  return {
    id: row.id,
    accountId: row.account_id,
    providerId: row.provider_id,
    name: row.name,
    size: row.size,
    mimeType: row.mime_type,
    sha256: row.sha256,
    remoteId: row.remote_id,
    links: JSON.parse(row.links_json) as LinkView[],
    details: JSON.parse(row.details_json) as HistoryDetails,
    createdAt: row.created_at,
  };
}

export interface HistoryPage {
  entries: HistoryEntryView[];
  nextCursor: string | null;
}

/** Keyset cursor: (created_at, id) of the last entry of a page. Opaque to the renderer. */
function encodeCursor(entry: HistoryEntryView): string {
  return `${entry.createdAt}:${entry.id}`;
}

function decodeCursor(cursor: string): { createdAt: number; id: string } | null {
  const match = /^(\d+):(.+)$/.exec(cursor);
  return match ? { createdAt: Number(match[1]), id: match[2]! } : null;
}

export class HistoryStore {
  readonly #db: SqliteDatabase;
  readonly #insert;
  readonly #firstPage;
  readonly #nextPage;
  readonly #get;
  readonly #searchFirstPage;
  readonly #searchNextPage;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#insert = db.prepare<[Record<string, unknown>]>(
      `INSERT INTO history (id, task_id, account_id, provider_id, name, size, mime_type, sha256, remote_id,
                            links_json, details_json, created_at)
       VALUES (@id, @taskId, @accountId, @providerId, @name, @size, @mimeType, @sha256, @remoteId,
               @linksJson, @detailsJson, @createdAt)`,
    );
    this.#firstPage = db.prepare<[number], HistoryRow>(
      'SELECT * FROM history ORDER BY created_at DESC, id DESC LIMIT ?',
    );
    this.#nextPage = db.prepare<[number, number, string, number], HistoryRow>(
      `SELECT * FROM history WHERE created_at < ? OR (created_at = ? AND id < ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    );
    this.#get = db.prepare<[string], HistoryRow>('SELECT * FROM history WHERE id = ?');
    // Plain LIKE until the FTS5 index arrives with the 100,000-entry history work.
    const matches = `(name LIKE @pattern ESCAPE '\\' OR remote_id LIKE @pattern ESCAPE '\\'
                      OR links_json LIKE @pattern ESCAPE '\\')`;
    this.#searchFirstPage = db.prepare<[{ pattern: string; limit: number }], HistoryRow>(
      `SELECT * FROM history WHERE ${matches} ORDER BY created_at DESC, id DESC LIMIT @limit`,
    );
    this.#searchNextPage = db.prepare<
      [{ pattern: string; limit: number; createdAt: number; id: string }],
      HistoryRow
    >(
      `SELECT * FROM history WHERE ${matches} AND (created_at < @createdAt OR (created_at = @createdAt AND id < @id))
       ORDER BY created_at DESC, id DESC LIMIT @limit`,
    );
  }

  /**
   * Write the history entry and mark the task done in one transaction: a crash leaves either a running
   * task (which resumes and finds the upload finished on the server) or a finished one with its entry.
   */
  completeTask(journal: TaskJournal, taskId: string, entry: HistoryEntryView): void {
    this.#db.transaction(() => {
      this.#insert.run({
        id: entry.id,
        taskId,
        accountId: entry.accountId,
        providerId: entry.providerId,
        name: entry.name,
        size: entry.size,
        mimeType: entry.mimeType,
        sha256: entry.sha256,
        remoteId: entry.remoteId,
        linksJson: JSON.stringify(entry.links),
        detailsJson: JSON.stringify(entry.details),
        createdAt: entry.createdAt,
      });
      journal.complete(taskId, entry.size, entry.id);
    })();
  }

  get(id: string): HistoryEntryView | undefined {
    const row = this.#get.get(id);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Newest first, keyset-paged so page N costs the same as page 1 at 100,000 entries. */
  page(limit: number, cursor?: string, search?: string): HistoryPage {
    const after = cursor === undefined ? null : decodeCursor(cursor);
    const rows = search ? this.#search(search, limit + 1, after) : this.#recent(limit + 1, after);
    const entries = rows.slice(0, limit).map(fromRow);
    const last = entries.at(-1);
    return { entries, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  #recent(limit: number, after: { createdAt: number; id: string } | null): HistoryRow[] {
    return after === null
      ? this.#firstPage.all(limit)
      : this.#nextPage.all(after.createdAt, after.createdAt, after.id, limit);
  }

  #search(text: string, limit: number, after: { createdAt: number; id: string } | null): HistoryRow[] {
    const pattern = `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    return after === null
      ? this.#searchFirstPage.all({ pattern, limit })
      : this.#searchNextPage.all({ pattern, limit, createdAt: after.createdAt, id: after.id });
  }
}
