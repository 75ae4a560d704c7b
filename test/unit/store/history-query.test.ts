import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/database.ts';
import { HistoryStore, type HistoryQuery } from '../../../main/store/history-store.ts';
import { migrations } from '../../../main/store/migrations.ts';
import { tempDir } from '../../support/temp.ts';
import { historyEntry, openHistory } from './history-fixtures.ts';

const day = 24 * 3600 * 1000;
const t0 = Date.UTC(2024, 4, 1);

function names(history: HistoryStore, query: HistoryQuery): string[] {
  return history.query({ limit: 500, ...query }).entries.map((entry) => entry.name);
}

function seeded(): HistoryStore {
  const { history } = openHistory();
  history.insertMissing([
    historyEntry({
      id: 'e1',
      name: 'IMG_2024-05-01.jpg',
      mimeType: 'image/jpeg',
      remoteId: '1400123_D61040894AC3DE44',
      links: [
        {
          kind: 'original',
          url: 'https://pic.example.com/o/abc123/IMG_2024-05-01.jpg',
          width: 800,
          height: 600,
        },
        { kind: 'small', url: 'https://pic.example.com/s/thumbXYZ.jpg' },
      ],
      createdAt: t0,
    }),
    historyEntry({
      id: 'e2',
      name: '季度报告终稿.pdf',
      mimeType: 'application/pdf',
      createdAt: t0 + day,
      accountId: 'acc-b',
    }),
    historyEntry({
      id: 'e3',
      name: '会议录音.mp3',
      mimeType: 'audio/mpeg',
      createdAt: t0 + 2 * day,
      providerId: 'easemob',
    }),
    historyEntry({
      id: 'e4',
      name: 'demo video.MP4',
      mimeType: 'video/mp4',
      createdAt: t0 + 3 * day,
      accountId: 'acc-b',
    }),
    historyEntry({
      id: 'e5',
      name: 'notes, "draft".txt',
      mimeType: 'text/plain',
      createdAt: t0 + 4 * day,
      providerId: 's3',
    }),
  ]);
  return history;
}

describe('history search (FTS5 trigram)', () => {
  it('finds substrings of names, links and remote ids, case-insensitively, newest first', () => {
    const history = seeded();
    expect(names(history, { search: '2024-05' })).toEqual(['IMG_2024-05-01.jpg']);
    expect(names(history, { search: 'img_2024' })).toEqual(['IMG_2024-05-01.jpg']);
    expect(names(history, { search: 'thumbXYZ' })).toEqual(['IMG_2024-05-01.jpg']); // the small link
    expect(names(history, { search: 'pic.example.com/o/abc' })).toEqual(['IMG_2024-05-01.jpg']);
    expect(names(history, { search: '894AC3' })).toEqual(['IMG_2024-05-01.jpg']); // remote id
    expect(names(history, { search: '"draft"' })).toEqual(['notes, "draft".txt']); // quotes are literal
    expect(names(history, { search: 'cdn.example.com/files' })).toEqual([
      'notes, "draft".txt',
      'demo video.MP4',
      '会议录音.mp3',
      '季度报告终稿.pdf',
    ]);
    expect(names(history, { search: 'no such thing' })).toEqual([]);
  });

  it('finds CJK names by any substring, including two-character words (LIKE fallback)', () => {
    const history = seeded();
    expect(names(history, { search: '报告终稿' })).toEqual(['季度报告终稿.pdf']);
    expect(names(history, { search: '报告' })).toEqual(['季度报告终稿.pdf']);
    expect(names(history, { search: '录音' })).toEqual(['会议录音.mp3']);
    // Several terms must all match; a short and a long one combine.
    expect(names(history, { search: 'demo MP4' })).toEqual(['demo video.MP4']);
    expect(names(history, { search: 'o v' })).toEqual(['demo video.MP4']);
  });

  it('filters by account, provider, media type and date range, alone and with a search', () => {
    const history = seeded();
    expect(names(history, { accountId: 'acc-b' })).toEqual(['demo video.MP4', '季度报告终稿.pdf']);
    expect(names(history, { providerId: 'easemob' })).toEqual(['会议录音.mp3']);
    expect(names(history, { type: 'image' })).toEqual(['IMG_2024-05-01.jpg']);
    expect(names(history, { type: 'video' })).toEqual(['demo video.MP4']);
    expect(names(history, { type: 'audio' })).toEqual(['会议录音.mp3']);
    expect(names(history, { type: 'other' })).toEqual(['notes, "draft".txt', '季度报告终稿.pdf']);
    // from is inclusive, to exclusive.
    expect(names(history, { from: t0 + day, to: t0 + 3 * day })).toEqual([
      '会议录音.mp3',
      '季度报告终稿.pdf',
    ]);
    expect(names(history, { search: 'cdn.example', accountId: 'acc-b', type: 'other' })).toEqual([
      '季度报告终稿.pdf',
    ]);
    expect(names(history, { search: 'cdn.example', from: t0 + 2 * day, to: t0 + 3 * day })).toEqual([
      '会议录音.mp3',
    ]);
  });

  it('pages with a keyset cursor: no repeats and no gaps while new uploads keep arriving', () => {
    const { history } = openHistory();
    // Many entries share a millisecond: insertion order breaks the tie.
    history.insertMissing(
      Array.from({ length: 95 }, (_, i) =>
        historyEntry({ id: `old-${i}`, name: `match-${i}`, createdAt: t0 + Math.floor(i / 10) }),
      ),
    );
    for (const query of [{}, { search: 'match' }, { accountId: 'acc-a' }] as HistoryQuery[]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let round = 0;
      do {
        const page = history.query({ ...query, cursor, limit: 10 });
        seen.push(...page.entries.map((entry) => entry.id));
        cursor = page.nextCursor ?? undefined;
        // A new upload (newer than everything) arrives between pages.
        history.insertMissing([
          historyEntry({
            id: `new-${JSON.stringify(query)}-${round++}`,
            name: 'match-new',
            createdAt: t0 + day,
          }),
        ]);
      } while (cursor !== undefined);
      const old = seen.filter((id) => id.startsWith('old-'));
      expect(old).toHaveLength(95);
      expect(new Set(seen).size).toBe(seen.length);
      expect(old[0]).toBe('old-94');
      expect(old.at(-1)).toBe('old-0');
      // Uploads that arrived during this paging sort before the first page: never shown mid-way.
      expect(seen.filter((id) => id.startsWith(`new-${JSON.stringify(query)}`))).toEqual([]);
    }
    // The old page() API is query() underneath.
    expect(history.page(3).entries).toHaveLength(3);
  });

  it('deletes by id and the search index forgets the deleted entries', () => {
    const history = seeded();
    expect(history.delete(['e1', 'e2', 'missing'])).toBe(2);
    expect(history.get('e1')).toBeUndefined();
    expect(names(history, { search: '2024-05' })).toEqual([]);
    expect(names(history, { search: '报告终稿' })).toEqual([]);
    expect(names(history, { search: 'cdn.example' })).toHaveLength(3);
    // Re-adding an entry with a deleted id makes it findable again.
    history.insertMissing([historyEntry({ id: 'e1', name: 'IMG_2024-05-01.jpg' })]);
    expect(names(history, { search: '2024-05' })).toEqual(['IMG_2024-05-01.jpg']);
  });

  it('finds the same bytes on an account through an index, newest first, not by reading the account', () => {
    const { db, history } = openHistory();
    const same = 'b'.repeat(64);
    history.insertMissing([
      historyEntry({ id: 'old', sha256: same, createdAt: 1_700_000_000_000 }),
      historyEntry({ id: 'other-bytes', createdAt: 1_700_000_001_000 }),
      historyEntry({ id: 'other-account', sha256: same, accountId: 'acc-b', createdAt: 1_700_000_002_000 }),
      historyEntry({ id: 'new', sha256: same, createdAt: 1_700_000_003_000 }),
      // The same millisecond: the later insert is the newer (seq differs by one, beyond 2^53).
      historyEntry({ id: 'newer', sha256: same, createdAt: 1_700_000_003_000 }),
    ]);
    expect(history.sameBytes('acc-a', same).map((entry) => entry.id)).toEqual(['newer', 'new', 'old']);
    // SQLite's own plan for the lookup: a search of the (account, sha256) index, no scan of the account.
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM history WHERE account_id = ? AND sha256 = ?')
      .all('acc-a', same) as Array<{ detail: string }>;
    expect(plan.map((step) => step.detail).join('; ')).toMatch(
      /SEARCH history USING INDEX history_account_sha256 \(account_id=\? AND sha256=\?\)/,
    );
    db.close();
  });

  it('keeps the thumbnail key', () => {
    const history = seeded();
    expect(history.get('e1')?.thumbnailKey).toBeUndefined();
    expect(history.setThumbnailKey('e1', 'f'.repeat(64))).toBe(true);
    expect(history.get('e1')?.thumbnailKey).toBe('f'.repeat(64));
    history.insertMissing([historyEntry({ id: 'e9', thumbnailKey: 'b'.repeat(64) })]);
    expect(history.get('e9')?.thumbnailKey).toBe('b'.repeat(64));
  });

  it('migrates a schema-3 history: rows keep their order and become searchable', () => {
    const file = join(tempDir(), 'ferry.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.transaction(() => {
      for (const migration of migrations.slice(0, 3)) old.exec(migration);
      old.pragma('user_version = 3');
    })();
    const insert = old.prepare(
      `INSERT INTO history (id, account_id, provider_id, name, size, mime_type, sha256, remote_id, links_json, created_at)
       VALUES (?, 'a', 'tencent-im', ?, 1, 'image/png', 'x', ?, ?, ?)`,
    );
    insert.run(
      'h1',
      'first 截图.png',
      'uuid-1',
      JSON.stringify([{ kind: 'original', url: 'http://x/one' }]),
      5,
    );
    insert.run('h2', 'second.png', 'uuid-2', JSON.stringify([{ kind: 'original', url: 'http://x/two' }]), 5);
    insert.run('h3', 'third.png', 'uuid-3', JSON.stringify([{ kind: 'original', url: 'http://x/three' }]), 7);
    old.close();

    const history = new HistoryStore(openDatabase(file));
    expect(history.query({}).entries.map((entry) => entry.id)).toEqual(['h3', 'h2', 'h1']);
    expect(names(history, { search: '截图' })).toEqual(['first 截图.png']);
    expect(names(history, { search: 'x/two' })).toEqual(['second.png']);
    expect(names(history, { search: 'uuid-3', type: 'image' })).toEqual(['third.png']);
  });
});
