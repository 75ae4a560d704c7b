import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/store/database.ts';
import { HistoryStore } from '../../../main/store/history-store.ts';
import { TaskJournal } from '../../../main/store/task-journal.ts';
import { tempDir } from '../../support/temp.ts';

function seeded(names: string[]): HistoryStore {
  const db = openDatabase(join(tempDir(), 'ferry.db'));
  const journal = new TaskJournal(db);
  const history = new HistoryStore(db);
  names.forEach((name, i) => {
    journal.add([
      {
        id: `t${i}`,
        accountId: 'a',
        path: `/${name}`,
        name,
        size: 1,
        mtimeMs: 1,
        state: 'uploading',
        error: null,
      },
    ]);
    history.completeTask(journal, `t${i}`, {
      id: `h${String(i).padStart(3, '0')}`,
      accountId: 'a',
      providerId: 'tencent-im',
      name,
      size: 1,
      mimeType: 'text/plain',
      sha256: '0'.repeat(64),
      remoteId: `uuid-${i}-remote`,
      links: [{ kind: 'original', url: `http://127.0.0.1/download/link-${i}` }],
      details: {},
      createdAt: 1000 + i,
    });
  });
  return history;
}

describe('history search', () => {
  it('finds by name, remote id and link, newest first', () => {
    const history = seeded(['report.pdf', 'holiday.png', 'report-final.pdf', 'notes.txt']);
    expect(history.page(10, undefined, 'report').entries.map((e) => e.name)).toEqual([
      'report-final.pdf',
      'report.pdf',
    ]);
    expect(history.page(10, undefined, 'uuid-1-remote').entries.map((e) => e.name)).toEqual(['holiday.png']);
    expect(history.page(10, undefined, 'link-3').entries.map((e) => e.name)).toEqual(['notes.txt']);
    expect(history.page(10, undefined, 'nothing-like-this').entries).toEqual([]);
  });

  it('treats % and _ literally', () => {
    const history = seeded(['100%_done.txt', '100 done.txt', '1000xdone.txt']);
    expect(history.page(10, undefined, '100%_').entries.map((e) => e.name)).toEqual(['100%_done.txt']);
  });

  it('pages through search results with the cursor', () => {
    const history = seeded(
      Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? `match-${i}.txt` : `other-${i}.txt`)),
    );
    const first = history.page(5, undefined, 'match');
    const second = history.page(5, first.nextCursor!, 'match');
    const third = history.page(5, second.nextCursor!, 'match');
    const names = [...first.entries, ...second.entries, ...third.entries].map((e) => e.name);
    expect(names).toHaveLength(13);
    expect(new Set(names).size).toBe(13);
    expect(third.nextCursor).toBeNull();
  });
});
