import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAccountId } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile } from '../support/temp.ts';

// What a service leaves in its data folder is the user's alone, whatever the umask says.

let harness: ServiceHarness | undefined;
let umask: number;

// The widest umask: every mode checked below must be Ferry's doing, not the environment's.
beforeAll(() => {
  umask = process.umask(0);
});
afterAll(() => {
  process.umask(umask);
});
afterEach(() => harness?.close());

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// Windows has no POSIX modes to check.
describe.skipIf(process.platform === 'win32')('the data folder', () => {
  it('is 0700, and its database, WAL, SHM, backups, exports and logs 0600, after a start, an upload, a backup and an export', async () => {
    harness = await startServiceHarness();
    const { service, dataDir, filesDir } = harness;
    await service.dispatch('uploads.add', {
      paths: [randomFile(filesDir, 'a.bin', 1000).path],
      accountId: sandboxAccountId,
    });
    await service.idle();
    // The backup made at start.
    await waitFor(() => readdirSync(join(dataDir, 'backups')).some((name) => name.endsWith('.db')));
    const exported = (await service.dispatch('history.export', {
      format: 'csv',
    })) as CommandResponse<'history.export'>;

    const check = (): string[] => {
      const files = filesUnder(dataDir).map((path) => relative(dataDir, path));
      const sensitive = files.filter((name) =>
        /^(ferry\.db(-wal|-shm)?|vault\.key|(backups|exports|logs)\/.+)$/.test(name),
      );
      expect(Object.fromEntries(sensitive.map((name) => [name, modeOf(join(dataDir, name))]))).toEqual(
        Object.fromEntries(sensitive.map((name) => [name, '600'])),
      );
      expect(modeOf(dataDir)).toBe('700');
      return sensitive;
    };
    const whileOpen = check();
    for (const expected of [
      /^ferry\.db$/,
      /^ferry\.db-wal$/,
      /^ferry\.db-shm$/,
      /^backups\/ferry-.+\.db$/,
      /^logs\/ferry\.\d+\.log$/,
    ])
      expect(
        whileOpen.some((name) => expected.test(name)),
        String(expected),
      ).toBe(true);
    expect(whileOpen).toContain(relative(dataDir, exported.path));

    await service.close();
    check();
  });
});
