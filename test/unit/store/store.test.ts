import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../../main/store/migrations.ts';
import { openDatabase, schemaVersion } from '../../../main/store/database.ts';
import { HistoryStore } from '../../../main/store/history-store.ts';
import { TaskJournal } from '../../../main/store/task-journal.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { tempDir } from '../../support/temp.ts';

function tempDbFile(): string {
  return join(tempDir('ferry-store-'), 'ferry.db');
}

describe('database', () => {
  it('creates a WAL database at the latest schema version and reopens it unchanged', () => {
    const file = tempDbFile();
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(migrations.length);
    db.close();
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(migrations.length);
    again.close();
  });

  it('refuses a database from a newer Ferry instead of guessing', () => {
    const file = tempDbFile();
    const db = openDatabase(file);
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer Ferry/);
  });
});

describe('task journal', () => {
  it('keeps sessions and committed bytes across a reopen (what crash-resume reads)', () => {
    const file = tempDbFile();
    const db = openDatabase(file);
    const journal = new TaskJournal(db);
    journal.add([
      {
        id: 't1',
        accountId: 'a',
        path: '/x/one',
        name: 'one',
        size: 10,
        mtimeMs: 1,
        state: 'queued',
        error: null,
      },
      {
        id: 't2',
        accountId: 'a',
        path: '/x/two',
        name: 'two',
        size: null,
        mtimeMs: null,
        state: 'failed',
        error: { code: 'file-not-found', message: 'gone' },
      },
    ]);
    journal.setState('t1', 'uploading');
    journal.saveSession('t1', { nextOffset: 4096 }, 4096);
    db.close();

    const reopened = new TaskJournal(openDatabase(file));
    expect(reopened.unfinished().map((t) => t.id)).toEqual(['t1']);
    expect(reopened.get('t1')).toMatchObject({
      state: 'uploading',
      session: { nextOffset: 4096 },
      committedBytes: 4096,
    });
    expect(reopened.get('t2')?.error).toEqual({ code: 'file-not-found', message: 'gone' });

    // A first session goes in one write with the digests its bytes must match, and starts at 0.
    reopened.saveFirstSession(
      't1',
      { nextOffset: 0, seq: 7 },
      { md5: 'm'.repeat(32), sha256: 's'.repeat(64) },
    );
    expect(reopened.get('t1')).toMatchObject({
      session: { nextOffset: 0, seq: 7 },
      committedBytes: 0,
      md5: 'm'.repeat(32),
      sha256: 's'.repeat(64),
    });
  });
});

describe('history store', () => {
  function entry(i: number, createdAt: number): HistoryEntryView {
    return {
      id: `h${String(i).padStart(4, '0')}`,
      accountId: 'a',
      providerId: 'tencent-im',
      name: `file-${i}.png`,
      size: i,
      mimeType: 'image/png',
      sha256: 'f'.repeat(64),
      remoteId: `uuid-${i}`,
      links: [{ kind: 'original', url: `http://127.0.0.1/d/${i}` }],
      details: {},
      createdAt,
    };
  }

  it('completes the task and writes the entry together, and pages newest first without gaps or repeats', () => {
    const db = openDatabase(tempDbFile());
    const journal = new TaskJournal(db);
    const history = new HistoryStore(db);
    const total = 53;
    for (let i = 0; i < total; i++) {
      journal.add([
        {
          id: `t${i}`,
          accountId: 'a',
          path: `/p${i}`,
          name: `p${i}`,
          size: i,
          mtimeMs: 1,
          state: 'uploading',
          error: null,
        },
      ]);
      // Several entries share a timestamp: the id breaks ties so the cursor stays exact.
      history.completeTask(journal, `t${i}`, entry(i, 1_000 + Math.floor(i / 4)));
    }
    expect(journal.get('t7')).toMatchObject({ state: 'done', historyId: 'h0007' });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = history.page(10, cursor);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen[0]).toBe('h0052');
    expect(seen.at(-1)).toBe('h0000');
    expect(history.get('h0003')?.links).toEqual([{ kind: 'original', url: 'http://127.0.0.1/d/3' }]);
  });
});
