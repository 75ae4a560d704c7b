import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'ferry-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A file of random bytes (random so that a misplaced slice cannot go unnoticed). */
export function randomFile(dir: string, name: string, size: number): { path: string; sha256: string } {
  const path = join(dir, name);
  const bytes = size === 0 ? Buffer.alloc(0) : randomBytes(size);
  writeFileSync(path, bytes);
  return { path, sha256: sha256(bytes) };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
