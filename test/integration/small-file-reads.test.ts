import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as fsPromises from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wholeReadLimit } from '../../main/engine/local-file.ts';
import { sandboxAccountId } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile } from '../support/temp.ts';

// The real fs/promises, with each open() counted by path: how often Ferry opens the user's file is
// the behaviour under test, and nothing else here can see it.
const opened = vi.hoisted(() => new Map<string, number>());
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsPromises>();
  const open: typeof real.open = (path, ...rest) => {
    opened.set(String(path), (opened.get(String(path)) ?? 0) + 1);
    return real.open(path, ...rest);
  };
  return { ...real, open, default: { ...real, open } };
});

let harness: ServiceHarness;

beforeEach(async () => {
  harness = await startServiceHarness();
  opened.clear();
});

afterEach(() => harness.close());

async function upload(paths: string[]): Promise<CommandResponse<'history.list'>['entries']> {
  await harness.service.dispatch('uploads.add', { paths, accountId: sandboxAccountId });
  await harness.service.idle();
  return ((await harness.service.dispatch('history.list', { limit: 10 })) as CommandResponse<'history.list'>)
    .entries;
}

describe('a small file is read once', () => {
  it('for its image check, its digests and its send (processing and dedupe on, Tencent wants the MD5 first)', async () => {
    const small = randomFile(harness.filesDir, 'small.bin', 4096);
    const [entry] = await upload([small.path]);
    expect(entry!.sha256).toBe(small.sha256);
    expect(opened.get(small.path)).toBe(1);
    const [stored] = await harness.emulator.listObjects();
    expect(stored!.size).toBe(4096);
  });

  it('but a file over the limit is read for each step, not held in memory whole', async () => {
    const large = randomFile(harness.filesDir, 'large.bin', wholeReadLimit + 1);
    const [entry] = await upload([large.path]);
    expect(entry!.sha256).toBe(large.sha256);
    expect(opened.get(large.path)).toBeGreaterThan(1);
  });
});

describe('the digests a sent file must match', () => {
  it('are journaled with the first session, both on disk before the first byte reaches the server', async () => {
    const small = randomFile(harness.filesDir, 'journaled.bin', 4096);
    harness.emulator.injectFault({ kind: 'stall', ms: 1500 });
    await harness.service.dispatch('uploads.add', { paths: [small.path], accountId: sandboxAccountId });
    const deadline = Date.now() + 10_000;
    while (harness.emulator.stats().requests < 1) {
      if (Date.now() > deadline) throw new Error('no request reached the emulator');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Another connection, as the next start after a crash would read it.
    const db = new Database(join(harness.dataDir, 'ferry.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT session_json, md5, sha256 FROM tasks').get() as Record<
        string,
        string | null
      >;
      expect(row.session_json).not.toBeNull();
      expect(row.sha256).toBe(small.sha256);
      expect(row.md5).toBe(createHash('md5').update(readFileSync(small.path)).digest('hex'));
    } finally {
      db.close();
    }
    await harness.service.idle();
  });
});
