import { randomBytes } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandError } from '../../main/contract-dispatch.ts';
import { sandboxAccountId, type FerryService } from '../../main/service.ts';
import type { CommandResponse } from '../../shared/contract.ts';
import { startServiceHarness, type ServiceHarness } from '../support/service-harness.ts';
import { randomFile, tempDir } from '../support/temp.ts';

// Paths are capabilities: uploads.add (and history.import) take only what Ferry was handed outside
// the contract (a drop, a dialog, the OS, the command line) or wrote itself (staging). A renderer, or
// anything holding the web shell's token, cannot name ~/.ssh/id_ed25519 and have it uploaded.

let harness: ServiceHarness;
let service: FerryService;

beforeEach(async () => {
  harness = await startServiceHarness();
  ({ service } = harness);
});

afterEach(() => harness.close());

/** A folder the harness did not grant, with a "secret" in it. */
function ungrantedSecret(): { dir: string; path: string } {
  const dir = tempDir('ferry-ungranted-');
  const path = join(dir, 'id_ed25519');
  writeFileSync(path, `-----BEGIN OPENSSH PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n`);
  return { dir, path };
}

async function add(paths: string[]): Promise<CommandResponse<'uploads.add'>> {
  return (await service.dispatch('uploads.add', {
    paths,
    accountId: sandboxAccountId,
  })) as CommandResponse<'uploads.add'>;
}

async function refusal(promise: Promise<unknown>): Promise<CommandError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
}

async function expectRefused(paths: string[], named: string): Promise<void> {
  const error = await refusal(add(paths));
  expect(error.view.code).toBe('path-not-granted');
  expect(error.view.message).toContain(named);
  // Nothing was queued, not even the granted paths of the same call, and nothing left the machine.
  expect(await service.dispatch('uploads.list', {})).toEqual([]);
  await service.idle();
  expect(await harness.emulator.listObjects()).toEqual([]);
}

describe('uploads.add takes granted paths only', () => {
  it('refuses a file Ferry was never handed, naming it and saying how to add files', async () => {
    const secret = ungrantedSecret();
    const error = await refusal(add([secret.path]));
    expect(error.view).toMatchObject({ code: 'path-not-granted' });
    expect(error.view.message).toContain(secret.path);
    expect(error.view.message).toMatch(/drop|choose/i);
    expect(await service.dispatch('uploads.list', {})).toEqual([]);
  });

  it('refuses the whole call when one of its paths is not granted', async () => {
    const granted = randomFile(harness.filesDir, 'fine.bin', 1000);
    const secret = ungrantedSecret();
    await expectRefused([granted.path, secret.path], secret.path);
  });

  it('accepts a staged copy: Ferry wrote it from bytes the caller already had', async () => {
    const { path } = (await service.dispatch('uploads.stage', {
      name: 'Pasted image.png',
      bytesBase64: randomBytes(2000).toString('base64'),
    })) as CommandResponse<'uploads.stage'>;
    const { taskIds } = await add([path]);
    expect(taskIds).toHaveLength(1);
    await service.idle();
    expect(await harness.emulator.listObjects()).toHaveLength(1);
  });

  it('accepts a granted file, and files at any depth inside a granted folder', async () => {
    const folder = tempDir('ferry-granted-');
    mkdirSync(join(folder, 'a', 'b'), { recursive: true });
    const top = randomFile(folder, 'top.bin', 1000);
    const deep = randomFile(join(folder, 'a', 'b'), 'deep.bin', 1000);
    const single = randomFile(tempDir('ferry-single-'), 'single.bin', 1000);
    service.grantPaths([folder, single.path]);
    const { taskIds } = await add([top.path, deep.path, single.path]);
    expect(taskIds).toHaveLength(3);
    await service.idle();
    expect(await harness.emulator.listObjects()).toHaveLength(3);
  });

  it('refuses <granted folder>/../secret: the path is resolved before it is compared', async () => {
    const parent = tempDir('ferry-parent-');
    const granted = join(parent, 'photos');
    mkdirSync(granted);
    writeFileSync(join(parent, 'secret.txt'), 'not for upload');
    service.grantPaths([granted]);
    await expectRefused([join(granted, '..', 'secret.txt')], 'secret.txt');
    // The same trick from a staged copy's folder reaches the data folder's vault key: refused too.
    await expectRefused([join(service.stagingDir, '..', 'vault.key')], 'vault.key');
  });

  it('refuses a granted file used as a folder: <file>/../sibling', async () => {
    const dir = tempDir('ferry-sibling-');
    const granted = randomFile(dir, 'granted.bin', 100);
    writeFileSync(join(dir, 'sibling.txt'), 'not granted');
    service.grantPaths([granted.path]);
    await expectRefused([join(granted.path, '..', 'sibling.txt')], 'sibling.txt');
  });

  it('refuses a symlink inside a granted folder that points out of it, and one to a folder outside', async () => {
    const folder = tempDir('ferry-granted-');
    const secret = ungrantedSecret();
    symlinkSync(secret.path, join(folder, 'innocent.png'));
    symlinkSync(secret.dir, join(folder, 'linked-folder'));
    service.grantPaths([folder]);
    await expectRefused([join(folder, 'innocent.png')], 'innocent.png');
    await expectRefused([join(folder, 'linked-folder', 'id_ed25519')], 'id_ed25519');
  });

  it('accepts a symlink inside a granted folder that stays inside it', async () => {
    const folder = tempDir('ferry-granted-');
    const real = randomFile(folder, 'real.bin', 1000);
    symlinkSync(real.path, join(folder, 'alias.bin'));
    service.grantPaths([folder]);
    expect((await add([join(folder, 'alias.bin')])).taskIds).toHaveLength(1);
  });

  it('grants for a file that is gone let the engine say "file-not-found", not "not granted"', async () => {
    const dir = tempDir('ferry-gone-');
    const path = join(dir, 'deleted.bin');
    service.grantPaths([path]);
    const { taskIds } = await add([path]);
    await service.idle();
    const [task] = (await service.dispatch('uploads.list', {})) as CommandResponse<'uploads.list'>;
    expect(task?.id).toBe(taskIds[0]);
    expect(task?.error?.code).toBe('file-not-found');
  });

  it('keeps grants in memory only: a restarted service has forgotten them', async () => {
    const folder = tempDir('ferry-granted-');
    const file = randomFile(folder, 'f.bin', 100);
    service.grantPaths([folder]);
    service = await harness.open();
    await expectRefused([file.path], file.path);
  });
});

describe('history.import reads granted paths only', () => {
  it('refuses a path Ferry was never handed, without reading it', async () => {
    const secret = ungrantedSecret();
    const error = await refusal(service.dispatch('history.import', { path: secret.path, format: 'csv' }));
    expect(error.view.code).toBe('path-not-granted');
    expect(error.view.message).not.toContain('OPENSSH');
  });
});
