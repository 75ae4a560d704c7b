import type { HistoryDetails, HistoryEntryView, LinkView } from '../../shared/models.ts';
import type { SqliteDatabase } from './database.ts';
import type { TaskJournal } from './task-journal.ts';

interface HistoryRow {
  seq: bigint | number;
  id: string;
  account_id: string;
  provider_id: string;
  name: string;
  size: number | bigint;
  mime_type: string;
  sha256: string;
  remote_id: string;
  links_json: string;
  details_json: string;
  thumbnail_key: string | null;
  created_at: number | bigint;
}

function fromRow(row: HistoryRow): HistoryEntryView {
  return {
    id: row.id,
    accountId: row.account_id,
    providerId: row.provider_id,
    name: row.name,
    size: Number(row.size),
    mimeType: row.mime_type,
    sha256: row.sha256,
    remoteId: row.remote_id,
    links: JSON.parse(row.links_json) as LinkView[],
    details: JSON.parse(row.details_json) as HistoryDetails,
    ...(row.thumbnail_key !== null && { thumbnailKey: row.thumbnail_key }),
    createdAt: Number(row.created_at),
  };
}

export const mediaKinds = ['image', 'video', 'audio', 'other'] as const;
/** The MIME type's top-level part, as the `media_kind` column derives it. */
export type MediaKind = (typeof mediaKinds)[number];

export interface HistoryFilter {
  /** Substrings of the name, a link URL or the remote id; whitespace separates terms that must all match. */
  search?: string;
  accountId?: string;
  providerId?: string;
  type?: MediaKind;
  /** createdAt ≥ from (ms since the epoch). */
  from?: number;
  /** createdAt < to (ms since the epoch). */
  to?: number;
}

export interface HistoryQuery extends HistoryFilter {
  /** Opaque; `nextCursor` of the previous page. */
  cursor?: string;
  /** Default 100. */
  limit?: number;
}

export interface HistoryPage {
  entries: HistoryEntryView[];
  nextCursor: string | null;
}

/**
 * The sort key (migration 4): floor(createdAt) times 2^20 plus the insertion order within that
 * millisecond. Beyond 2^53, so it is read and bound as a BigInt (queries use `safeIntegers`).
 */
const seqPerMs = 1_048_576n;

/** SQLite's rowid is a signed 64-bit integer; binding a BigInt past it throws a RangeError. */
const maxSeq = 2n ** 63n - 1n;
const minSeq = -(2n ** 63n);

/** A bound past the 64-bit range means "no bound" that way, not an error: a date in the year 300000 included. */
function clampSeq(seq: bigint): bigint {
  return seq > maxSeq ? maxSeq : seq < minSeq ? minSeq : seq;
}

/**
 * Whether an entry of this createdAt fits the history's ordering key (its millisecond × 2^20 within
 * 64 bits): about ±280 years around 1970. An imported entry outside it is rejected, not stored.
 */
export function isStorableCreatedAt(ms: number): boolean {
  if (!Number.isFinite(ms)) return false;
  const base = BigInt(Math.floor(ms)) * seqPerMs;
  return base >= minSeq && base + seqPerMs - 1n <= maxSeq;
}

function seqOf(ms: number): bigint {
  return clampSeq(BigInt(Math.ceil(ms)) * seqPerMs);
}

/** Keyset cursor: the `seq` of the last entry of a page. Opaque to the renderer. */
function encodeCursor(seq: bigint | number): string {
  return `s${seq}`;
}

function decodeCursor(cursor: string): bigint | null {
  const match = /^s(-?\d{1,25})$/.exec(cursor);
  return match ? clampSeq(BigInt(match[1]!)) : null;
}

/**
 * The trigram tokenizer indexes every run of three characters, so a term of three or more characters
 * (code points) is an FTS5 phrase that matches as a substring anywhere. Shorter terms ("报告", "v2")
 * have no trigram; they fall back to LIKE over the row, which walks the newest-first index and stops
 * at the page's end — fast when they match often, a full scan when they match rarely.
 */
function splitSearch(text: string): { match: string | null; shortTerms: string[] } {
  const phrases: string[] = [];
  const shortTerms: string[] = [];
  // NUL separates terms like a space: FTS5 reads its query as a C string and would stop at it.
  for (const term of text.trim().split(/[\s\0]+/u)) {
    if (term === '') continue;
    if ([...term].length >= 3) phrases.push(`"${term.replaceAll('"', '""')}"`);
    else shortTerms.push(term);
  }
  return { match: phrases.length > 0 ? phrases.join(' AND ') : null, shortTerms };
}

function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

// The first free seq of the entry's millisecond: a rowid range lookup, O(log n).
const insertSql = `INSERT INTO history (seq, id, task_id, account_id, provider_id, name, size, mime_type, sha256,
                                       remote_id, links_json, details_json, thumbnail_key, created_at)
  VALUES ((SELECT coalesce(max(seq) + 1, @seqBase) FROM history WHERE seq >= @seqBase AND seq < @seqBase + ${seqPerMs}),
          @id, @taskId, @accountId, @providerId, @name, @size, @mimeType, @sha256, @remoteId,
          @linksJson, @detailsJson, @thumbnailKey, @createdAt)`;

function insertParams(entry: HistoryEntryView, taskId: string | null): Record<string, unknown> {
  return {
    seqBase: BigInt(Math.floor(entry.createdAt)) * seqPerMs,
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
    thumbnailKey: entry.thumbnailKey ?? null,
    createdAt: entry.createdAt,
  };
}

export class HistoryStore {
  readonly #db: SqliteDatabase;
  readonly #insert;
  readonly #insertIfNew;
  readonly #get;
  readonly #sameBytes;
  readonly #delete;
  readonly #setThumbnailKey;
  readonly #localPath;
  /** Queries are built from the filters present; each distinct shape is prepared once. */
  readonly #queries = new Map<string, ReturnType<SqliteDatabase['prepare']>>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#insert = db.prepare<[Record<string, unknown>]>(insertSql);
    this.#insertIfNew = db.prepare<[Record<string, unknown>]>(`${insertSql} ON CONFLICT (id) DO NOTHING`);
    this.#get = db.prepare<[string], HistoryRow>('SELECT * FROM history WHERE id = ?');
    // Ordered in JavaScript: with ORDER BY the lookup took ~18 µs instead of ~4 even when it found
    // nothing, which is what nearly every upload's lookup finds. BigInts: seq is beyond 2^53.
    this.#sameBytes = db
      .prepare<[string, string], HistoryRow>('SELECT * FROM history WHERE account_id = ? AND sha256 = ?')
      .safeIntegers(true);
    this.#delete = db.prepare<[string]>('DELETE FROM history WHERE id = ?');
    this.#localPath = db.prepare<[string], { path: string }>(
      'SELECT tasks.path AS path FROM history JOIN tasks ON tasks.id = history.task_id WHERE history.id = ?',
    );
    this.#setThumbnailKey = db.prepare<[string | null, string]>(
      'UPDATE history SET thumbnail_key = ? WHERE id = ?',
    );
  }

  /**
   * Write the history entry and mark the task done in one transaction: a crash leaves either a running
   * task (which resumes and finds the upload finished on the server) or a finished one with its entry.
   */
  completeTask(journal: TaskJournal, taskId: string, entry: HistoryEntryView): void {
    this.#db.transaction(() => {
      this.#insert.run(insertParams(entry, taskId));
      journal.complete(taskId, entry.size, entry.id);
    })();
  }

  /** Insert entries that are not there yet (by id) in one transaction; returns how many were new. */
  insertMissing(entries: readonly HistoryEntryView[]): number {
    return this.#db.transaction(() => {
      let added = 0;
      for (const entry of entries) added += this.#insertIfNew.run(insertParams(entry, null)).changes;
      return added;
    })();
  }

  /** Entries of these exact bytes on this account, newest first (an entry deleted from history is gone). */
  sameBytes(accountId: string, sha256: string): HistoryEntryView[] {
    const rows = this.#sameBytes.all(accountId, sha256);
    if (rows.length > 1) rows.sort((a, b) => (a.seq < b.seq ? 1 : a.seq > b.seq ? -1 : 0));
    return rows.map(fromRow);
  }

  get(id: string): HistoryEntryView | undefined {
    const row = this.#get.get(id);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Delete entries by id (the FTS index follows by trigger); returns how many existed. */
  /** The path the entry's file was uploaded from (its task's), or null when it came from an import. */
  localPathOf(id: string): string | null {
    return this.#localPath.get(id)?.path ?? null;
  }

  delete(ids: readonly string[]): number {
    return this.#db.transaction(() => {
      let deleted = 0;
      for (const id of ids) deleted += this.#delete.run(id).changes;
      return deleted;
    })();
  }

  /** Record (or clear) the thumbnail the thumbnailer made for an entry. */
  setThumbnailKey(id: string, key: string | null): boolean {
    return this.#setThumbnailKey.run(key, id).changes > 0;
  }

  /** Newest first, keyset-paged so page N costs the same as page 1 at 100,000 entries. */
  page(limit: number, cursor?: string, search?: string): HistoryPage {
    return this.query({ limit, cursor, search });
  }

  /**
   * Newest first (by createdAt to the millisecond, then the later insert first), filtered and
   * keyset-paged. The cursor is the last entry's position, so entries inserted while paging never shift
   * a page: nothing is repeated and nothing that was there is skipped (new uploads sort before the cursor;
   * an import of older entries may add some after it, which the next pages then show).
   */
  query(query: HistoryQuery): HistoryPage {
    const limit = Math.max(1, Math.min(query.limit ?? 100, 10_000));
    const conditions: string[] = [];
    const params: Record<string, unknown> = { limit: limit + 1 };
    let from = 'history';
    // With a search, FTS5 drives: it yields matches in rowid (= seq) order, honours rowid ranges, and so
    // runs newest-first and stops once the page is full instead of collecting and sorting every match.
    let rowid = 'history.seq';
    if (query.search !== undefined && query.search.trim() !== '') {
      const { match, shortTerms } = splitSearch(query.search);
      if (match !== null) {
        // CROSS JOIN pins FTS as the outer loop: otherwise, with a filter index and a date range, the
        // planner may walk the index and run the MATCH once per row (seconds instead of a millisecond).
        from = 'history_fts CROSS JOIN history ON history.seq = history_fts.rowid';
        rowid = 'history_fts.rowid';
        conditions.push('history_fts MATCH @match');
        params.match = match;
      }
      shortTerms.forEach((term, i) => {
        const name = `short${i}`;
        conditions.push(
          `(history.name LIKE @${name} ESCAPE '\\' OR history.remote_id LIKE @${name} ESCAPE '\\'
            OR EXISTS (SELECT 1 FROM json_each(history.links_json) WHERE value ->> 'url' LIKE @${name} ESCAPE '\\'))`,
        );
        params[name] = likePattern(term);
      });
    }
    if (query.accountId !== undefined) {
      conditions.push('history.account_id = @accountId');
      params.accountId = query.accountId;
    }
    if (query.providerId !== undefined) {
      conditions.push('history.provider_id = @providerId');
      params.providerId = query.providerId;
    }
    if (query.type !== undefined) {
      conditions.push('history.media_kind = @type');
      params.type = query.type;
    }
    // Date bounds and the cursor are ranges of the rowid: nothing outside them is read.
    if (query.from !== undefined) {
      conditions.push(`${rowid} >= @fromSeq`);
      params.fromSeq = seqOf(query.from);
    }
    if (query.to !== undefined) {
      conditions.push(`${rowid} < @toSeq`);
      params.toSeq = seqOf(query.to);
    }
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      if (after !== null) {
        conditions.push(`${rowid} < @afterSeq`);
        params.afterSeq = after;
      }
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const sql = `SELECT history.* FROM ${from} ${where} ORDER BY ${rowid} DESC LIMIT @limit`;
    let statement = this.#queries.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql).safeIntegers(true);
      this.#queries.set(sql, statement);
    }
    const rows = statement.all(params) as HistoryRow[];
    const entries = rows.slice(0, limit).map(fromRow);
    return { entries, nextCursor: rows.length > limit ? encodeCursor(rows[limit - 1]!.seq) : null };
  }

  /** Every entry matching the filter, newest first, fetched a page at a time (memory stays flat). */
  *scan(filter: HistoryFilter = {}, pageSize = 500): Generator<HistoryEntryView> {
    let cursor: string | undefined;
    do {
      const page = this.query({ ...filter, cursor, limit: pageSize });
      yield* page.entries;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /**
   * Detail keys present in the history with the JSON types of their values ('text', 'integer', 'real',
   * 'true', 'false'): the CSV export's columns.
   */
  detailKeyTypes(): Map<string, Set<string>> {
    const rows = this.#db
      .prepare<[], { key: string; type: string }>(
        'SELECT DISTINCT d.key AS key, d.type AS type FROM history, json_each(history.details_json) AS d',
      )
      .all();
    const keys = new Map<string, Set<string>>();
    for (const { key, type } of rows) {
      const types = keys.get(key) ?? new Set<string>();
      types.add(type);
      keys.set(key, types);
    }
    return keys;
  }

  count(): number {
    return this.#db.prepare<[], { n: number }>('SELECT count(*) AS n FROM history').get()!.n;
  }
}
