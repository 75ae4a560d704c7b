import { join } from 'node:path';
import { openDatabase, type SqliteDatabase } from '../../../main/store/database.ts';
import { HistoryStore } from '../../../main/store/history-store.ts';
import type { HistoryEntryView } from '../../../shared/models.ts';
import { tempDir } from '../../support/temp.ts';

export function historyEntry(overrides: Partial<HistoryEntryView> & { id: string }): HistoryEntryView {
  return {
    accountId: 'acc-a',
    providerId: 'tencent-im',
    name: `${overrides.id}.bin`,
    size: 10,
    mimeType: 'application/octet-stream',
    sha256: 'a'.repeat(64),
    remoteId: `remote-${overrides.id}`,
    links: [{ kind: 'original', url: `https://cdn.example.com/files/${overrides.id}` }],
    details: {},
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

export function openHistory(): { db: SqliteDatabase; history: HistoryStore; dir: string } {
  const dir = tempDir('ferry-history-');
  const db = openDatabase(join(dir, 'ferry.db'));
  return { db, history: new HistoryStore(db), dir };
}
