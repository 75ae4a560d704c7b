import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups } from '../../../main/store/backup-files.ts';
import { BackupScheduler, backupDatabase } from '../../../main/store/backups.ts';
import { openCheckedDatabase, openDatabase, schemaVersion } from '../../../main/store/database.ts';
import { HistoryStore } from '../../../main/store/history-store.ts';
import { migrations } from '../../../main/store/migrations.ts';
import { tempDir } from '../../support/temp.ts';
import { historyEntry } from './history-fixtures.ts';

function entries(prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) =>
    historyEntry({
      id: `${prefix}-${i}`,
      name: `${prefix} file ${i} ${'x'.repeat(200)}`,
      createdAt: 1_000_000 + i,
    }),
  );
}

/** A data folder whose database holds `backedUp` entries in its last backup and `later` more after it. */
async function dataDirWithBackup(): Promise<{ dir: string; file: string; backupsDir: string }> {
  const dir = tempDir('ferry-recovery-');
  const file = join(dir, 'ferry.db');
  const backupsDir = join(dir, 'backups');
  const { db, recovery } = openCheckedDatabase(file);
  expect(recovery).toBeNull();
  const history = new HistoryStore(db);
  history.insertMissing(entries('backed-up', 300));
  await backupDatabase(db, backupsDir);
  history.insertMissing(entries('later', 300));
  db.close(); // checkpoints the WAL into ferry.db
  return { dir, file, backupsDir };
}

/** Overwrite every page after the first with garbage (what a failing disk or a stray write leaves). */
function scribbleOverPages(file: string): void {
  const size = statSync(file).size;
  const fd = openSync(file, 'r+');
  try {
    const garbage = Buffer.alloc(4096, 0xa5);
    for (let offset = 4096; offset < size; offset += 4096 * 3)
      writeSync(fd, garbage, 0, garbage.length, offset);
  } finally {
    closeSync(fd);
  }
}

describe('database crash safety', () => {
  it('runs in WAL mode and applies every migration', () => {
    const { db, recovery } = openCheckedDatabase(join(tempDir(), 'ferry.db'));
    expect(recovery).toBeNull();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBe(migrations.length);
    db.close();
  });

  it('moves a database with garbage over its pages aside and restores the last backup', async () => {
    const { dir, file, backupsDir } = await dataDirWithBackup();
    scribbleOverPages(file);

    const { db, recovery } = openCheckedDatabase(file);
    expect(recovery).not.toBeNull();
    expect(recovery!.restoredFrom).toBe(listBackups(backupsDir)[0]);
    expect(recovery!.movedAside).toMatch(/ferry\.db\.corrupt-/);
    expect(existsSync(recovery!.movedAside)).toBe(true);
    expect(readdirSync(dir).some((name) => name.startsWith('ferry.db.corrupt-'))).toBe(true);
    const history = new HistoryStore(db);
    expect(history.count()).toBe(300);
    expect(history.get('backed-up-299')).toBeDefined();
    expect(history.query({ search: 'backed-up file 299' }).entries.map((entry) => entry.id)).toEqual([
      'backed-up-299',
    ]);
    expect(history.query({ search: 'later' }).entries).toEqual([]);
    // The restored database is a working one: writes and a clean second start.
    history.insertMissing(entries('after', 1));
    db.close();
    const again = openCheckedDatabase(file);
    expect(again.recovery).toBeNull();
    expect(new HistoryStore(again.db).count()).toBe(301);
    again.db.close();
  });

  it('treats a truncated database (half, or zero bytes) as damaged', async () => {
    for (const size of [(bytes: number) => Math.floor(bytes / 2), () => 0]) {
      const { file } = await dataDirWithBackup();
      truncateSync(file, size(statSync(file).size));
      const { db, recovery } = openCheckedDatabase(file);
      expect(recovery?.restoredFrom).toMatch(/backups/);
      expect(new HistoryStore(db).count()).toBe(300);
      db.close();
    }
  });

  it('with no usable backup, starts empty and says so', () => {
    const dir = tempDir('ferry-recovery-');
    const file = join(dir, 'ferry.db');
    const db = openDatabase(file);
    new HistoryStore(db).insertMissing(entries('lost', 200));
    db.close();
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x42), 0, 100, 0); // the header: "file is not a database"
    closeSync(fd);

    const opened = openCheckedDatabase(file);
    expect(opened.recovery).toMatchObject({
      restoredFrom: null,
      movedAside: expect.stringMatching(/corrupt-/),
    });
    expect(opened.recovery!.reason).toMatch(/not a database/);
    expect(new HistoryStore(opened.db).count()).toBe(0);
    opened.db.close();
  });

  it('keeps the newest three backups and skips a damaged one when restoring', async () => {
    const dir = tempDir('ferry-recovery-');
    const file = join(dir, 'ferry.db');
    const backupsDir = join(dir, 'backups');
    const db = openDatabase(file);
    const history = new HistoryStore(db);
    const scheduler = new BackupScheduler(db, backupsDir, {
      uploadsPerBackup: 2,
      intervalMs: 3_600_000,
      quietMs: 0,
    });
    const first = await scheduler.start();
    expect(listBackups(backupsDir)).toEqual([first]);
    const counts: number[] = [];
    for (let i = 0; i < 6; i++) {
      history.insertMissing(entries(`batch${i}`, 1));
      scheduler.uploadCompleted();
      await scheduler.idle();
      counts.push(listBackups(backupsDir).length);
    }
    await scheduler.close();
    // A backup after every second upload; only the newest three are kept (the one at start is gone).
    expect(counts).toEqual([1, 2, 2, 3, 3, 3]);
    const backups = listBackups(backupsDir);
    expect(backups).not.toContain(first);
    expect(readdirSync(backupsDir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    db.close();

    // The newest backup is itself damaged: the next one is used.
    scribbleOverPages(backups[0]!);
    truncateSync(file, 0);
    const opened = openCheckedDatabase(file);
    expect(opened.recovery?.restoredFrom).toBe(backups[1]);
    opened.db.close();
  });
});

describe('backups due after uploads', () => {
  it('wait for a pause in the uploads, and run at once after a long stream without one', async () => {
    const dir = tempDir('ferry-recovery-');
    const backupsDir = join(dir, 'backups');
    const db = openDatabase(join(dir, 'ferry.db'));
    const history = new HistoryStore(db);
    const scheduler = new BackupScheduler(db, backupsDir, {
      uploadsPerBackup: 2,
      intervalMs: 3_600_000,
      quietMs: 1_000,
      maxUploadsWithoutBackup: 6,
    });
    await scheduler.start();
    const backups = () => listBackups(backupsDir).length;
    expect(backups()).toBe(1);

    // Uploads completing 20 ms apart: due after the second, but no gap of a second yet.
    for (let i = 0; i < 4; i++) {
      history.insertMissing(entries(`busy${i}`, 1));
      scheduler.uploadCompleted();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await scheduler.idle();
    expect(backups()).toBe(1);
    // The pause: one backup, for all four.
    await expect.poll(backups, { timeout: 5_000 }).toBe(2);

    // Six without a pause: the sixth backs up at once.
    for (let i = 0; i < 6; i++) {
      history.insertMissing(entries(`stream${i}`, 1));
      scheduler.uploadCompleted();
    }
    await scheduler.idle();
    expect(backups()).toBe(3);
    await scheduler.close();
    db.close();
  });
});

describe('backup leftovers', () => {
  it('a backup leaves nothing but its .db file, and start removes what earlier versions left', async () => {
    const dir = tempDir('ferry-recovery-');
    const backupsDir = join(dir, 'backups');
    const db = openDatabase(join(dir, 'ferry.db'));
    new HistoryStore(db).insertMissing(entries('kept', 20));
    // What every start of an earlier version left behind, and a backup cut short by a crash.
    const leftovers = [
      'ferry-2024-01-01T00-00-00-000Z.db.partial-wal',
      'ferry-2024-01-01T00-00-00-000Z.db.partial-shm',
      'ferry-2024-01-02T00-00-00-000Z.db.partial',
      'ferry-2024-01-02T00-00-00-000Z.db.partial-journal',
    ];
    await backupDatabase(db, backupsDir);
    for (const name of leftovers) writeFileSync(join(backupsDir, name), 'left over');
    const keep = join(backupsDir, 'notes.txt'); // not Ferry's: never touched
    writeFileSync(keep, 'mine');

    const scheduler = new BackupScheduler(db, backupsDir);
    const started = await scheduler.start();
    await scheduler.backupNow();
    await scheduler.close();
    db.close();

    const names = readdirSync(backupsDir).sort();
    expect(names).toEqual(
      [...listBackups(backupsDir).map((path) => path.slice(backupsDir.length + 1)), 'notes.txt'].sort(),
    );
    expect(names.filter((name) => name.includes('.partial'))).toEqual([]);
    expect(listBackups(backupsDir)).toHaveLength(3);
    expect(listBackups(backupsDir)).toContain(started);
  });
});

// Windows has no POSIX modes to check.
describe.skipIf(process.platform === 'win32')('private files', () => {
  let umask: number;
  // The widest umask: every mode below must come from Ferry, not from the environment.
  beforeAll(() => {
    umask = process.umask(0);
  });
  afterAll(() => {
    process.umask(umask);
  });

  const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

  it('the database, its WAL and SHM, backups and damaged copies are 0600 whatever the umask', async () => {
    const dir = tempDir('ferry-recovery-');
    const file = join(dir, 'ferry.db');
    const backupsDir = join(dir, 'backups');
    const { db } = openCheckedDatabase(file);
    new HistoryStore(db).insertMissing(entries('private', 50));
    expect(existsSync(`${file}-wal`)).toBe(true);
    const backup = await backupDatabase(db, backupsDir);
    for (const path of [file, `${file}-wal`, `${file}-shm`, backup]) expect(modeOf(path), path).toBe('600');
    db.close();

    // A database an earlier version left world-readable is made private at the next start.
    chmodSync(file, 0o644);
    const again = openCheckedDatabase(file);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path), path).toBe('600');
    again.db.close();

    // Damaged, moved aside, restored from the backup: the kept copy and the restored file are private.
    chmodSync(file, 0o644);
    scribbleOverPages(file);
    const recovered = openCheckedDatabase(file);
    expect(recovered.recovery?.restoredFrom).toBe(backup);
    expect(modeOf(recovered.recovery!.movedAside)).toBe('600');
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path), path).toBe('600');
    recovered.db.close();
  });
});
