import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, logDirOf, type FerryLogger } from '../../main/log/logger.ts';
import { startPicUpEmulator, type PicUpEmulator } from '../../main/sandbox/tencent-im/pic-up-emulator.ts';
import { createService, sandboxAccountId, type FerryService } from '../../main/service.ts';
import type { CommandResponse, FerryEvent } from '../../shared/contract.ts';
import type { AccountView, TaskView } from '../../shared/models.ts';
import { randomFile, tempDir } from '../support/temp.ts';

const fastRetries = { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 };

/** Every spelling a secret could take on its way out: raw, URL-encoded, JSON-escaped, base64. */
function spellings(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
  ];
}

function expectNoSecret(where: string, bytes: Buffer | string, secrets: readonly string[]): void {
  const haystack = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  for (const secret of secrets) {
    for (const spelling of spellings(secret)) {
      expect(haystack.includes(Buffer.from(spelling)), `${where} contains the secret as "${spelling}"`).toBe(
        false,
      );
    }
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * A gateway in front of the emulator. Forwarding by default; when `failing`, it answers 400 with the
 * request line it refused, query string and all — the way some proxies and API gateways echo a bad
 * request, and the way a secret in a URL ends up in an error message.
 */
async function startEchoingGateway(
  target: string,
): Promise<{ url: string; failing: boolean; close(): Promise<void> }> {
  const upstream = new URL(target);
  const state = { failing: false };
  const server: Server = createServer((request, response) => {
    if (state.failing) {
      request.resume();
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end(`Bad Request: the gateway refused ${request.method} ${request.url}`);
      return;
    }
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let emulator: PicUpEmulator;
let dataDir: string;

beforeEach(async () => {
  dataDir = tempDir('ferry-leak-data-');
});

afterEach(async () => {
  await emulator?.close();
});

describe('no secret leaves the main process', () => {
  it('not through responses, events, log lines, history or any file in the data folder', async () => {
    // Distinctive, so that any trace of it is found; the wrong one has characters URLs must encode.
    const userSig = `eJwCANARY-${randomBytes(24).toString('hex')}*-_`;
    const wrongSig = `WRONG/CANARY+${randomBytes(12).toString('hex')}=`;
    const secrets = [userSig, wrongSig];
    emulator = await startPicUpEmulator({
      storageDir: tempDir('ferry-leak-emulator-'),
      credentials: { sdkAppId: '1400000001', identifier: 'admin', userSig },
    });
    const gateway = await startEchoingGateway(emulator.baseUrl);

    const logLines: string[] = [];
    const logger: FerryLogger = await createLogger({
      file: { dir: logDirOf(dataDir) },
      streams: [{ write: (line: string) => void logLines.push(line) }],
    });
    const service: FerryService = await createService({
      dataDir,
      sandboxEmulator: emulator,
      logger,
      retryPolicy: fastRetries,
    });
    const events: FerryEvent[] = [];
    service.subscribe((event) => events.push(event));
    const answers: string[] = [];
    const call = async <T>(name: string, request: unknown): Promise<T> => {
      try {
        const response = await service.dispatch(name, request);
        answers.push(JSON.stringify(response));
        return response as T;
      } catch (error) {
        answers.push(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`);
        throw error;
      }
    };

    const fields = {
      baseUrl: gateway.url,
      sdkAppId: '1400000001',
      identifier: 'admin',
      fromAccount: 'ops',
      toAccount: 'group-1',
    };
    // A secret typed into the wrong box is refused without being quoted back.
    await expect(
      call('accounts.add', {
        providerId: 'tencent-im',
        name: 'Prod',
        fields: { ...fields, userSig },
        secrets: {},
      }),
    ).rejects.toMatchObject({ view: { code: 'account-invalid' } });
    const added = await call<AccountView>('accounts.add', {
      providerId: 'tencent-im',
      name: 'Prod',
      fields,
      secrets: { userSig },
    });
    await call('accounts.list', {});
    await call('accounts.update', { id: added.id, name: 'Production', fields: { toAccount: 'group-2' } });
    expect(await call('accounts.test', { id: added.id })).toEqual({ ok: true });
    await call('accounts.update', { id: added.id, secrets: { userSig: wrongSig } });
    expect(await call('accounts.test', { id: added.id })).toMatchObject({
      ok: false,
      error: { code: 'credentials-rejected' },
    });
    await call('accounts.update', { id: added.id, secrets: { userSig } });

    const good = randomFile(tempDir(), 'good.bin', 200_000);
    service.grantPaths([good.path]);
    await call('uploads.add', { paths: [good.path], accountId: added.id });
    await service.idle();
    gateway.failing = true;
    // The gateway's refusal quotes the connection test's request too.
    const echoedTest = await call<CommandResponse<'accounts.test'>>('accounts.test', { id: added.id });
    expect(echoedTest).toMatchObject({ ok: false, error: { code: 'http-status' } });
    const bad = randomFile(tempDir(), 'bad.bin', 50_000);
    service.grantPaths([bad.path]);
    const { taskIds } = await call<CommandResponse<'uploads.add'>>('uploads.add', {
      paths: [bad.path],
      accountId: added.id,
    });
    await service.idle();

    const tasks = await call<TaskView[]>('uploads.list', {});
    const failed = tasks.find((task) => task.id === taskIds[0]);
    // The echo really carried the secret, and it arrives redacted: the test exercised the dangerous path.
    expect(failed?.error).toMatchObject({
      code: 'http-status',
      message: expect.stringContaining('usersig=[redacted]'),
    });
    const history = await call<CommandResponse<'history.list'>>('history.list', {});
    expect(history.entries.map((entry) => entry.name)).toEqual(['good.bin']);
    await call('history.list', { search: 'good' });
    await call('accounts.list', {});
    await call('vault.status', {});

    // The database and its WAL while the service runs, then everything after it closed.
    const whileOpen = filesUnder(dataDir).map((path) => [path, readFileSync(path)] as const);
    expect(whileOpen.some(([path]) => path.endsWith('ferry.db-wal'))).toBe(true);
    await service.close();
    await logger.close();
    await gateway.close();

    // The flow was logged (so the assertions below are not vacuous), and never with a secret.
    const log = logLines.join('');
    for (const message of [
      'account added',
      'account updated',
      'account test succeeded',
      'account test failed',
      'upload finished',
      'upload failed',
    ]) {
      expect(log).toContain(`"msg":"${message}"`);
    }
    expect(log).toContain('[redacted]');
    expectNoSecret('the log lines', log, secrets);
    expectNoSecret('the command answers', answers.join('\n'), secrets);
    expectNoSecret('the events', JSON.stringify(events), secrets);
    for (const [path, bytes] of whileOpen) expectNoSecret(path, bytes, secrets);
    const afterClose = filesUnder(dataDir);
    expect(afterClose.some((path) => path.includes(`${join('logs', 'ferry.')}`))).toBe(true);
    for (const path of afterClose) expectNoSecret(path, readFileSync(path), secrets);
  });
});

describe('a lost or replaced vault key', () => {
  it.each([
    ['lost', (keyFile: string) => rmSync(keyFile)],
    ['replaced', (keyFile: string) => writeFileSync(keyFile, randomBytes(32), { mode: 0o644 })],
  ])(
    'key %s: the account needs re-entry, its uploads fail, the Sandbox still uploads',
    async (_label, change) => {
      emulator = await startPicUpEmulator({ storageDir: tempDir('ferry-leak-emulator-') });
      const keyFile = join(dataDir, 'vault.key');
      let service = await createService({ dataDir, sandboxEmulator: emulator, retryPolicy: fastRetries });
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const added = (await service.dispatch('accounts.add', {
        providerId: 'tencent-im',
        name: 'Prod',
        fields: {
          baseUrl: emulator.baseUrl,
          sdkAppId: emulator.credentials.sdkAppId,
          identifier: emulator.credentials.identifier,
          fromAccount: 'ops',
          toAccount: 'group-1',
        },
        secrets: { userSig: emulator.credentials.userSig },
      })) as AccountView;
      await service.close();
      change(keyFile);

      service = await createService({ dataDir, sandboxEmulator: emulator, retryPolicy: fastRetries });
      try {
        expect(statSync(keyFile).mode & 0o777).toBe(0o600);
        const listed = (await service.dispatch('accounts.list', {})) as AccountView[];
        expect(listed.map((a) => [a.id, a.needsReentry])).toEqual([
          [sandboxAccountId, false],
          [added.id, true],
        ]);
        const file = randomFile(tempDir(), 'f.bin', 20_000);
        service.grantPaths([file.path]);
        await expect(
          service.dispatch('uploads.add', { paths: [file.path], accountId: added.id }),
        ).rejects.toMatchObject({ view: { code: 'credentials-unreadable' } });
        await service.dispatch('uploads.add', { paths: [file.path], accountId: sandboxAccountId });
        await service.idle();
        const page = (await service.dispatch('history.list', {})) as CommandResponse<'history.list'>;
        expect(page.entries.map((entry) => [entry.accountId, entry.sha256])).toEqual([
          [sandboxAccountId, file.sha256],
        ]);
      } finally {
        await service.close();
      }
    },
  );
});
