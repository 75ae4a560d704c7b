import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandboxAccountId, type FerryService } from '../../main/service.ts';
import { startWebShell } from '../../main/web/web-shell-server.ts';
import type { CommandResponse, FerryEvent } from '../../shared/contract.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import { thumbnailPath } from '../../shared/web-protocol.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile, tempDir } from '../support/temp.ts';

// The history as the user meets it through the contract: thumbnails after image uploads, filters,
// delete, export/import, settings, and what the service says after restoring a damaged database.

let harness: ServiceHarness;
let service: FerryService;
let dataDir: string;
let filesDir: string;
let events: FerryEvent[];

beforeEach(async () => {
  harness = await startServiceHarness();
  ({ service, dataDir, filesDir, events } = harness);
});

afterEach(() => harness.close());

async function upload(paths: string[]): Promise<void> {
  await service.dispatch('uploads.add', { paths, accountId: sandboxAccountId });
  await service.idle();
}

async function list(request: Record<string, unknown> = {}): Promise<HistoryEntryView[]> {
  const page = (await service.dispatch('history.list', {
    limit: 500,
    ...request,
  })) as CommandResponse<'history.list'>;
  return page.entries;
}

async function photo(name: string, width: number, height: number): Promise<string> {
  const path = join(filesDir, name);
  await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .jpeg()
    .toFile(path);
  return path;
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('thumbnails', () => {
  it('makes a 256 px WebP after an image upload, announces it, and the web shell serves it only with the token', async () => {
    await upload([await photo('wide.jpg', 1200, 600), randomFile(filesDir, 'notes.bin', 5000).path]);
    const updated = await waitFor(() => {
      const event = events.find((e) => e.name === 'history.updated');
      return event?.name === 'history.updated' ? event.payload.entry : undefined;
    });
    expect(updated.name).toBe('wide.jpg');
    expect(updated.thumbnailKey).toBe(updated.sha256);
    const entries = await list();
    expect(entries.find((e) => e.name === 'notes.bin')?.thumbnailKey).toBeUndefined();

    const file = service.thumbnailPath(updated.thumbnailKey!);
    const meta = await sharp(readFileSync(file!)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 128]);

    const rendererDir = tempDir('ferry-renderer-');
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
    const shell = await startWebShell({ service, rendererDir, token: 't'.repeat(64) });
    try {
      const origin = new URL(shell.url).origin;
      const url = `${origin}${thumbnailPath(updated.thumbnailKey!)}`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(`${url}?token=wrong`)).status).toBe(401);
      const served = await fetch(`${url}?token=${'t'.repeat(64)}`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      expect(Buffer.from(await served.arrayBuffer()).equals(readFileSync(file!))).toBe(true);
      expect(
        (await fetch(`${origin}/thumbnails/${'0'.repeat(64)}.webp?token=${'t'.repeat(64)}`)).status,
      ).toBe(404);
    } finally {
      await shell.close();
    }
  });

  it('never fails the upload of an image it cannot decode', async () => {
    const broken = join(filesDir, 'broken.png');
    writeFileSync(broken, Buffer.from('\x89PNG\r\n\x1a\n not really a png'));
    await upload([broken]);
    const [entry] = await list();
    expect(entry?.name).toBe('broken.png');
    await service.close();
    service = await harness.open(); // close waits for the thumbnailer; the entry stays without a thumbnail
    expect((await list())[0]?.thumbnailKey).toBeUndefined();
  });
});

describe('history commands', () => {
  it('filters by type and date, deletes, and exports then imports into a fresh data folder', async () => {
    const before = Date.now();
    await upload([await photo('a.jpg', 40, 30), randomFile(filesDir, 'b.bin', 100).path]);
    expect((await list({ type: 'image' })).map((e) => e.name)).toEqual(['a.jpg']);
    expect((await list({ type: 'other' })).map((e) => e.name)).toEqual(['b.bin']);
    expect(await list({ to: before })).toEqual([]);
    expect(await list({ search: 'a.jp' })).toHaveLength(1);

    const exported = (await service.dispatch('history.export', {
      format: 'csv',
    })) as CommandResponse<'history.export'>;
    expect(exported.exported).toBe(2);
    expect(exported.path.startsWith(join(dataDir, 'exports'))).toBe(true);

    const [image] = await list({ type: 'image' });
    await expect(service.dispatch('history.delete', { ids: [image!.id] })).resolves.toEqual({ deleted: 1 });
    expect(events.some((e) => e.name === 'history.removed' && e.payload.ids.includes(image!.id))).toBe(true);
    expect((await list()).map((e) => e.name)).toEqual(['b.bin']);

    service.grantPaths([exported.path]); // the user picks the export to import it
    const report = (await service.dispatch('history.import', {
      path: exported.path,
      format: 'csv',
    })) as CommandResponse<'history.import'>;
    expect(report).toMatchObject({ added: 1, alreadyPresent: 1, rejected: [] });
    expect((await list()).map((e) => e.name).sort()).toEqual(['a.jpg', 'b.bin']);

    await expect(
      service.dispatch('history.import', { path: join(filesDir, 'missing.csv'), format: 'csv' }),
    ).rejects.toMatchObject({ view: { code: 'file-not-found' } });
  });

  it('gives exports of the same format in the same second files of their own', async () => {
    await upload([randomFile(filesDir, 'one.bin', 10).path]);
    const exportAs = async (format: 'json' | 'csv') =>
      (await service.dispatch('history.export', { format })) as CommandResponse<'history.export'>;
    // Two in a row, then two at once: all within a second or two of each other.
    const inRow = [await exportAs('json'), await exportAs('json')];
    const atOnce = await Promise.all([exportAs('csv'), exportAs('csv'), exportAs('csv')]);
    const paths = [...inRow, ...atOnce].map((exported) => exported.path);
    expect(new Set(paths).size).toBe(5);
    service.grantPaths(paths); // the user picks each export to import it
    for (const exported of [...inRow, ...atOnce]) {
      expect(exported.exported).toBe(1);
      const report = (await service.dispatch('history.import', {
        path: exported.path,
        format: exported.path.endsWith('.csv') ? 'csv' : 'json',
      })) as CommandResponse<'history.import'>;
      expect(report).toMatchObject({ added: 0, alreadyPresent: 1, rejected: [] });
    }
    expect(readdirSync(join(dataDir, 'exports')).sort()).toEqual(
      paths.map((path) => path.slice(join(dataDir, 'exports').length + 1)).sort(),
    );
  });
});

describe('show the local file', () => {
  it('gives the path the file was uploaded from, asks the OS to show it where it can, and says when it is gone', async () => {
    const kept = randomFile(filesDir, 'kept.bin', 100);
    const gone = randomFile(filesDir, 'gone.bin', 100);
    await upload([kept.path, gone.path]);
    rmSync(gone.path);
    const entries = await list();
    const idOf = (name: string) => entries.find((entry) => entry.name === name)!.id;

    // The web shell and the CLI cannot open a file manager: the path is for the user to read.
    await expect(service.dispatch('history.showLocalFile', { id: idOf('kept.bin') })).resolves.toEqual({
      path: kept.path,
      exists: true,
      shown: false,
    });
    await service.close();
    const shown: string[] = [];
    service = await harness.open({ showItemInFolder: (path) => shown.push(path) });
    await expect(service.dispatch('history.showLocalFile', { id: idOf('kept.bin') })).resolves.toEqual({
      path: kept.path,
      exists: true,
      shown: true,
    });
    await expect(service.dispatch('history.showLocalFile', { id: idOf('gone.bin') })).resolves.toEqual({
      path: gone.path,
      exists: false,
      shown: false,
    });
    expect(shown).toEqual([kept.path]);
    await expect(service.dispatch('history.showLocalFile', { id: 'nope' })).rejects.toMatchObject({
      view: { code: 'invalid-request' },
    });
  });
});

describe('settings', () => {
  it('keeps changes across restarts, applies concurrency, and makes a local API secret only main knows', async () => {
    const initial = (await service.dispatch('settings.get', {})) as CommandResponse<'settings.get'>;
    expect(initial).toMatchObject({
      concurrency: 3,
      language: 'system',
      localApi: { enabled: false, secret: '' },
    });
    const changed = (await service.dispatch('settings.update', {
      concurrency: 5,
      theme: 'dark',
      localApi: { enabled: true },
    })) as CommandResponse<'settings.update'>;
    expect(changed).toMatchObject({ concurrency: 5, theme: 'dark', language: 'system' });
    expect(changed.localApi.secret).toMatch(/^[\w-]{43}$/);
    expect(events.some((e) => e.name === 'settings.changed')).toBe(true);
    await expect(service.dispatch('settings.update', { localApi: { secret: 'mine' } })).rejects.toMatchObject(
      {
        view: { code: 'invalid-request' },
      },
    );
    await expect(service.dispatch('settings.update', { concurrency: 0 })).rejects.toMatchObject({
      view: { code: 'invalid-request' },
    });

    await service.close();
    // The secret is encrypted at rest like account secrets: not in the database file in plain text.
    expect(readFileSync(join(dataDir, 'ferry.db')).includes(changed.localApi.secret)).toBe(false);
    service = await harness.open();
    expect(await service.dispatch('settings.get', {})).toEqual(changed);
  });
});

describe('a damaged database', () => {
  it('is restored from the start-up backup and the user is told', async () => {
    await upload([randomFile(filesDir, 'kept.bin', 10).path]);
    await service.close();
    // The next start makes a backup holding "kept.bin"; then the file is damaged while Ferry is closed.
    service = await harness.open();
    await waitFor(() => (readdirSafe(join(dataDir, 'backups')).length > 0 ? true : undefined));
    await service.close();
    const db = join(dataDir, 'ferry.db');
    const bytes = readFileSync(db);
    bytes.fill(0x5a, 100, Math.min(bytes.length, 16_384));
    writeFileSync(db, bytes);

    service = await harness.open();
    const notices = (await service.dispatch('notices.list', {})) as CommandResponse<'notices.list'>;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'database-restored' });
    expect(notices[0]!.message).toContain('restored from the backup');
    expect((await list()).map((e) => e.name)).toEqual(['kept.bin']);
    expect((await readdir(dataDir)).some((name) => name.startsWith('ferry.db.corrupt-'))).toBe(true);
  });

  it('with no backup: the notice names the loss and the damaged copy, and stays across restarts until dismissed', async () => {
    await upload([randomFile(filesDir, 'lost.bin', 10).path]);
    await service.close();
    rmSync(join(dataDir, 'backups'), { recursive: true, force: true });
    const db = join(dataDir, 'ferry.db');
    const bytes = readFileSync(db);
    bytes.fill(0x42, 0, 100); // the header: "file is not a database"
    writeFileSync(db, bytes);

    service = await harness.open();
    const notices = (await service.dispatch('notices.list', {})) as CommandResponse<'notices.list'>;
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice).toMatchObject({ kind: 'database-reset' });
    expect(notice!.message).toContain('accounts, settings and the upload history are gone');
    const damaged = /damaged file is kept at "([^"]+ferry\.db\.corrupt-[^"]+)"/.exec(notice!.message)?.[1];
    expect(damaged).toBeDefined();
    expect(existsSync(damaged!)).toBe(true);
    expect(await list()).toEqual([]);
    // Kept beside the database, and as private (Windows has no modes to check).
    if (process.platform !== 'win32') {
      expect(statSync(join(dataDir, 'notices.json')).mode & 0o777).toBe(0o600);
      expect(statSync(damaged!).mode & 0o777).toBe(0o600);
    }

    // Unread, it is there again after a restart, and after another.
    for (let restart = 0; restart < 2; restart++) {
      service = await harness.open();
      expect(await service.dispatch('notices.list', {})).toEqual([notice]);
    }
    await expect(service.dispatch('notices.dismiss', { id: notice!.id })).resolves.toEqual({
      dismissed: true,
    });
    expect(await service.dispatch('notices.list', {})).toEqual([]);
    await expect(service.dispatch('notices.dismiss', { id: notice!.id })).resolves.toEqual({
      dismissed: false,
    });
    service = await harness.open();
    expect(await service.dispatch('notices.list', {})).toEqual([]);
  });
});

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
