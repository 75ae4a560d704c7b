import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readFileSync, statSync, utimesSync, writeSync } from 'node:fs';
import { sha256 } from './temp.ts';

/**
 * Give a file whole-second access and modification times, which utimes() can put back exactly: a
 * time with fractions of a millisecond does not survive the trip through seconds as a double, and a
 * test of an edit that "keeps the mtime" must really keep it.
 */
export function wholeSecondTimes(path: string, seconds = Math.floor(Date.now() / 1000) - 60): void {
  utimesSync(path, seconds, seconds);
}

/**
 * Overwrite `length` bytes at `position` with random ones and put the times back: the size and the
 * mtime say nothing happened, only the change time (which no user call can set) moved. The file
 * must have whole-second times (wholeSecondTimes). Returns the SHA-256 of the file as it is now.
 */
export function rewriteInPlace(path: string, position: number, length: number): string {
  const before = statSync(path);
  if (before.mtimeMs % 1000 !== 0) throw new Error(`${path}: call wholeSecondTimes first`);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, randomBytes(length), 0, length, position);
  } finally {
    closeSync(fd);
  }
  utimesSync(path, before.atimeMs / 1000, before.mtimeMs / 1000);
  const after = statSync(path);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs)
    throw new Error(`${path}: the edit did not keep size and mtime`);
  // The kernel's file clock ticks coarsely; a change time that did not move would make a test of
  // this edit prove nothing, so say so rather than let it pass.
  if (after.ctimeMs === before.ctimeMs) throw new Error(`${path}: the change time did not move`);
  return sha256(readFileSync(path));
}

/** Change only the file's metadata (its permission bits): the change time moves, the bytes do not. */
export function touchMetadata(path: string): void {
  const before = statSync(path);
  chmodSync(path, (before.mode & 0o777) ^ 0o020);
  if (statSync(path).ctimeMs === before.ctimeMs) throw new Error(`${path}: the change time did not move`);
}
