import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/log/logger.ts';
import { startLocalApiServer, type LocalApiServer } from '../../../main/local-api/local-api-server.ts';
import type { ServiceClient } from '../../../main/local-api/upload-batch.ts';
import type { FerryEvent } from '../../../shared/contract.ts';
import type { HistoryEntryView, TaskView } from '../../../shared/models.ts';

// The server against a scripted service (its contract only), for what the real engine makes hard to
// time: events in either order, uploads that never end, a client that hangs up.

const secret = 'test-secret';

function fakeService() {
  const listeners = new Set<(event: FerryEvent) => void>();
  const added: string[][] = [];
  const service: ServiceClient = {
    async dispatch(name, request) {
      expect(name).toBe('uploads.add');
      const { paths } = request as { paths: string[] };
      added.push(paths);
      return { taskIds: paths.map((_, index) => `task-${index}`) };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (event: FerryEvent): void => {
    for (const listener of listeners) listener(event);
  };
  return { service, listeners, added, emit };
}

const task = (id: string, state: TaskView['state'], historyId: string | null = null): TaskView => ({
  id,
  accountId: 'acc',
  path: `/files/${id}.png`,
  name: `${id}.png`,
  size: 1,
  state,
  transferredBytes: 0,
  bytesPerSecond: null,
  etaSeconds: null,
  error: null,
  historyId,
  createdAt: 0,
  updatedAt: 0,
});

const entry = (id: string, name: string, links: HistoryEntryView['links']): HistoryEntryView => ({
  id,
  accountId: 'acc',
  providerId: 'tencent-im',
  name,
  size: 1,
  mimeType: 'image/png',
  sha256: '0'.repeat(64),
  remoteId: 'r',
  links,
  details: {},
  createdAt: 0,
});

let server: LocalApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(service: ServiceClient, uploadTimeoutMs = 10_000): Promise<LocalApiServer> {
  server = await startLocalApiServer({
    service,
    secret: () => secret,
    defaultAccountId: () => 'acc',
    logger: await createLogger(),
    port: 0,
    uploadTimeoutMs,
  });
  return server;
}

function upload(port: number, list: unknown[], signal?: AbortSignal): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/upload?key=${secret}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ list }),
    ...(signal ? { signal } : {}),
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 200 && !condition(); tries++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

describe('the local API server', () => {
  it('answers once each task has its entry, whichever event comes first, with the original else the download link', async () => {
    const fake = fakeService();
    const { port } = await start(fake.service);
    const pending = upload(port, ['/files/a.png', '/files/b.png']);
    await until(() => fake.added.length === 1);
    fake.emit({ name: 'tasks.changed', payload: { tasks: [task('task-0', 'done', 'h0')] } });
    fake.emit({
      name: 'history.added',
      payload: { entry: entry('h0', 'a.png', [{ kind: 'original', url: 'https://cdn.example/a' }]) },
    });
    fake.emit({
      name: 'history.added',
      payload: {
        entry: entry('h1', 'b.png', [
          { kind: 'small', url: 'https://cdn.example/b-small' },
          { kind: 'download', url: 'https://cdn.example/b' },
        ]),
      },
    });
    fake.emit({ name: 'tasks.changed', payload: { tasks: [task('task-1', 'done', 'h1')] } });
    const reply = await pending;
    expect(await reply.json()).toEqual({
      success: true,
      result: ['https://cdn.example/a', 'https://cdn.example/b'],
    });
    expect(fake.listeners.size).toBe(0);
  });

  it('answers files still running after the time limit with a timeout error', async () => {
    const fake = fakeService();
    const { port } = await start(fake.service, 300);
    const pending = upload(port, ['/files/a.png', '/files/b.png']);
    await until(() => fake.added.length === 1);
    fake.emit({
      name: 'tasks.changed',
      payload: { tasks: [task('task-0', 'cancelled'), task('task-1', 'paused')] },
    });
    const body = (await (await pending).json()) as { success: boolean; errors: Array<{ code: string }> };
    expect(body.success).toBe(false);
    expect(body.errors.map((error) => error.code)).toEqual(['cancelled', 'timeout']);
    expect(fake.listeners.size).toBe(0);
  });

  it('stops waiting (and listening to events) when the client hangs up', async () => {
    const fake = fakeService();
    const { port } = await start(fake.service);
    const controller = new AbortController();
    const pending = upload(port, ['/files/a.png'], controller.signal).catch((error: unknown) => error);
    await until(() => fake.added.length === 1 && fake.listeners.size === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await until(() => fake.listeners.size === 0);
  });

  it('sends nothing to the service for a list with no usable path', async () => {
    const fake = fakeService();
    const { port } = await start(fake.service);
    const body = (await (await upload(port, ['relative.png', 7])).json()) as { result: unknown[] };
    expect(body.result).toEqual([null, null]);
    expect(fake.added).toEqual([]);
  });
});
