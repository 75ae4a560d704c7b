import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emulatorKeys, startSandbox } from '../../../main/sandbox/sandbox.ts';
import type { Sandbox } from '../../../main/sandbox/sandbox.ts';

const toClose: Sandbox[] = [];
const toRemove: string[] = [];

afterEach(async () => {
  for (const sandbox of toClose.splice(0)) await sandbox.close();
  for (const dir of toRemove.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('startSandbox', () => {
  it('describes the Tencent IM emulator it started', async () => {
    const sandbox = await startSandbox({ emulators: ['tencentIm'] });
    toClose.push(sandbox);
    expect(sandbox.endpoints).toEqual({
      tencentIm: { baseUrl: sandbox.tencentIm!.baseUrl, ...sandbox.tencentIm!.credentials },
    });
    expect(sandbox.endpoints.tencentIm!.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${sandbox.endpoints.tencentIm!.baseUrl as string}/nowhere`);
    expect(response.status).toBe(404);
  });

  it('runs every emulator by default, each on its own loopback port', async () => {
    const sandbox = await startSandbox();
    toClose.push(sandbox);
    expect(Object.keys(sandbox.endpoints).sort()).toEqual([...emulatorKeys].sort());
    const ports = Object.values(sandbox.endpoints).map((endpoint) => {
      const url = new URL(String(endpoint.baseUrl ?? endpoint.endpoint));
      expect(url.hostname).toBe('127.0.0.1');
      return url.port;
    });
    expect(new Set(ports).size).toBe(emulatorKeys.length);
  });

  it('removes the temporary data dir it created on close', async () => {
    const sandbox = await startSandbox();
    expect(await exists(sandbox.dataDir)).toBe(true);
    await sandbox.close();
    expect(await exists(sandbox.dataDir)).toBe(false);
  });

  it('keeps a given data dir and comes back with the same credentials and port', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ferry-sandbox-test-'));
    toRemove.push(dataDir);
    const first = await startSandbox({ dataDir });
    const endpoints = first.endpoints;
    await first.close();
    expect(await exists(join(dataDir, 'tencent-im'))).toBe(true);

    const second = await startSandbox({ dataDir });
    toClose.push(second);
    expect(second.endpoints).toEqual(endpoints);
  });

  it('falls back to a free port when the remembered one is taken', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ferry-sandbox-test-'));
    toRemove.push(dataDir);
    const first = await startSandbox({ dataDir, emulators: ['tencentIm'] });
    const firstUrl = first.endpoints.tencentIm!.baseUrl as string;
    await first.close();
    const squatter = await startSandbox({ port: Number(new URL(firstUrl).port), emulators: ['tencentIm'] });
    toClose.push(squatter);

    const second = await startSandbox({ dataDir, emulators: ['tencentIm'] });
    toClose.push(second);
    expect(second.endpoints.tencentIm!.baseUrl).not.toBe(firstUrl);
    expect(second.endpoints.tencentIm!.userSig).toBe(first.endpoints.tencentIm!.userSig);
  });

  it('uses credentials it is given', async () => {
    const credentials = { sdkAppId: '1400000002', identifier: 'admin', userSig: 'given' };
    const sandbox = await startSandbox({ tencentIm: { credentials }, emulators: ['tencentIm'] });
    toClose.push(sandbox);
    expect(sandbox.endpoints.tencentIm).toMatchObject(credentials);
  });
});
