import { access, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedSandbox, type SandboxEmulator } from '../../../main/service/embedded-sandbox.ts';
import { tempDir } from '../../support/temp.ts';

const toClose: EmbeddedSandbox[] = [];
const toRemove: string[] = [];

afterEach(async () => {
  for (const sandbox of toClose.splice(0)) await sandbox.close();
  for (const dir of toRemove.splice(0)) await rm(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = tempDir('ferry-embedded-sandbox-');
  toRemove.push(dir);
  return dir;
}

function embedded(dataDir: string, given?: SandboxEmulator) {
  const ready: SandboxEmulator[] = [];
  const sandbox = new EmbeddedSandbox({ dataDir, given, onReady: (emulator) => ready.push(emulator) });
  toClose.push(sandbox);
  return { sandbox, ready };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Whether anything answers HTTP at the base URL (the emulator says 404 to an unknown path). */
async function answers(baseUrl: string): Promise<boolean> {
  return fetch(`${baseUrl}/nowhere`).then(
    (response) => response.status === 404,
    () => false,
  );
}

describe('EmbeddedSandbox (the emulator behind the Sandbox account)', () => {
  it('starts nothing and writes nothing until its emulator is asked for', async () => {
    const dataDir = join(folder(), 'sandbox');
    const { ready } = embedded(dataDir);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await exists(dataDir)).toBe(false);
    expect(ready).toEqual([]);
  });

  it('starts one emulator for callers that ask at once, tells onReady once, and stops it on close', async () => {
    const dataDir = join(folder(), 'sandbox');
    const { sandbox, ready } = embedded(dataDir);
    const [first, second] = await Promise.all([sandbox.emulator(), sandbox.emulator()]);
    expect(second).toBe(first);
    expect(await sandbox.emulator()).toBe(first);
    expect(ready).toEqual([first]);
    expect(first.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await answers(first.baseUrl)).toBe(true);
    expect(await exists(join(dataDir, 'sandbox-state.json'))).toBe(true);

    await sandbox.close();
    expect(await answers(first.baseUrl)).toBe(false);
    await expect(sandbox.emulator()).rejects.toThrow(/shut down/);
  });

  it('comes back on the same port with the same credentials in the same folder', async () => {
    const dataDir = join(folder(), 'sandbox');
    const before = embedded(dataDir).sandbox;
    const first = await before.emulator();
    await before.close();
    const again = await embedded(dataDir).sandbox.emulator();
    expect(again.baseUrl).toBe(first.baseUrl);
    expect(again.credentials).toEqual(first.credentials);
  });

  it('tries a failed start again on the next call', async () => {
    const parent = folder();
    const dataDir = join(parent, 'sandbox');
    await writeFile(dataDir, 'a file where the folder should be');
    const { sandbox, ready } = embedded(dataDir);
    await expect(sandbox.emulator()).rejects.toThrow();
    await rm(dataDir);
    const endpoint = await sandbox.emulator();
    expect(await answers(endpoint.baseUrl)).toBe(true);
    expect(ready).toEqual([endpoint]);
  });

  it('hands out an emulator someone else runs, and neither starts nor stops anything', async () => {
    const dataDir = join(folder(), 'sandbox');
    const given: SandboxEmulator = {
      baseUrl: 'http://127.0.0.1:9',
      credentials: { sdkAppId: '1', identifier: 'admin', userSig: 'given-sig' },
    };
    const { sandbox, ready } = embedded(dataDir, given);
    expect(await sandbox.emulator()).toBe(given);
    expect(ready).toEqual([given]);
    await sandbox.close();
    expect(await exists(dataDir)).toBe(false);
  });
});
