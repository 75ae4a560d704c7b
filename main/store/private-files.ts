import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

// Modes are set explicitly after creation: a mode given to open or mkdir only ever loses bits to the
// umask, and SQLite creates its files with a fixed 0644. Windows has no POSIX modes (chmod there only
// toggles read-only); the user's profile folder is private through its ACLs.
const posix = process.platform !== 'win32';

/**
 * A file system that cannot hold modes (FAT on a USB stick, some network shares) or a file that is not
 * ours refuses chmod: Ferry still runs there, as private as that file system allows. An absent file is
 * skipped (SQLite removes its WAL when it closes).
 */
const unchangeable = new Set(['ENOENT', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EROFS']);

function chmodWherePossible(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    if (!unchangeable.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  }
}

/** Create `dir` (and missing parents) and make it the user's alone: 0700. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (posix) chmodWherePossible(dir, 0o700);
}

/** Make files the user's alone: 0600. */
export function makePrivate(...files: string[]): void {
  if (!posix) return;
  for (const file of files) chmodWherePossible(file, 0o600);
}

/**
 * Create `file` empty if it does not exist, 0600 either way: whoever writes it next (SQLite, a backup)
 * keeps the mode, so its bytes are never readable by others, not even for a moment.
 */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  makePrivate(file);
}
