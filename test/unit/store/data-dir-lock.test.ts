import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../../main/store/data-dir-lock.ts';
import { tempDir } from '../../support/temp.ts';

describe('data folder lock', () => {
  it('refuses a second holder in this process and frees the folder on release', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    lock.release();
    expect(existsSync(join(dir, 'ferry.lock'))).toBe(false);
    lockDataDir(dir).release();
  });

  it('refuses while another live process holds it', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      writeFileSync(join(dir, 'ferry.lock'), String(child.pid));
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`process ${child.pid}`));
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    // The holder died without releasing (SIGKILL): its lock is stale and taken over.
    const lock = lockDataDir(dir);
    lock.release();
  });

  it('takes over a lock file with garbage in it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ferry.lock'), 'not a pid');
    lockDataDir(dir).release();
  });
});
