import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// Backup names and lookup on their own, so that database.ts (which restores from a backup) and
// backups.ts (which checks a new backup with database.ts) do not import each other.
const backupName = /^ferry-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.db$/;

/** A backup being written (or cut short by a crash), and the WAL and SHM earlier versions left beside it. */
const partialName = /^ferry-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.db\.partial(-wal|-shm|-journal)?$/;

/**
 * Remove what unfinished backups left in `dir`. Only while no backup runs: the data folder's lock and
 * the scheduler's one-at-a-time rule make that true at start.
 */
export function removeBackupLeftovers(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (partialName.test(name)) rmSync(join(dir, name), { force: true });
}

/** Finished backups in `dir`, newest first (names sort by their UTC timestamp). */
export function listBackups(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => backupName.test(name))
    .sort()
    .reverse()
    .map((name) => join(dir, name));
}

function stampOf(ms: number): string {
  return new Date(ms).toISOString().replaceAll(':', '-').replace('.', '-');
}

function msOf(path: string): number {
  const match = /ferry-(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)-(\d{3})Z\.db$/.exec(path);
  return match ? Date.parse(`${match[1]}:${match[2]}:${match[3]}.${match[4]}Z`) : Number.NaN;
}

/**
 * Named by UTC time to the millisecond, always later than the newest backup (a second one within a
 * millisecond, or a clock set back, must not sort a new backup below old ones and get it pruned).
 */
export function freshBackupPath(dir: string): string {
  const newest = listBackups(dir)[0];
  const after = newest === undefined ? Number.NaN : msOf(newest) + 1;
  const ms = Number.isNaN(after) ? Date.now() : Math.max(Date.now(), after);
  return join(dir, `ferry-${stampOf(ms)}.db`);
}
