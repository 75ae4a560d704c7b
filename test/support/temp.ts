import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();

/**
 * A new folder in the temp folder, removed by removeTempDirs: after each test file under vitest
 * (test/support/temp-cleanup.ts), by the caller elsewhere. The `ferry-` prefix is what the run's
 * leftover check (test/support/temp-run.ts) looks for.
 */
export function tempDir(prefix = 'ferry-test-'): string {
  if (!prefix.startsWith('ferry-')) throw new Error(`temp folder prefix "${prefix}" must start with ferry-`);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}

/** Remove every folder tempDir made so far (in this module instance: one per test file). */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
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
