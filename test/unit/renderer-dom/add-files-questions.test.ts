import { describe, expect, it } from 'vitest';
import type { CommandName } from '../../../shared/channels.ts';
import type { FerryApi, FerryEvent } from '../../../shared/contract.ts';
import type { AccountView } from '../../../shared/models.ts';
import { defaultSettings, type Settings } from '../../../shared/settings.ts';
import { createAppActions } from '../../../renderer/state/app-actions.ts';
import { createAppStore, targetAccount } from '../../../renderer/state/app-store.ts';

// The questions a drop waits on, against a fake transport (no main side here): the renderer's own
// logic of which account and which files, checked through what it sends.

const account = (id: string): AccountView => ({
  id,
  providerId: 'tus',
  name: `Account ${id}`,
  isSandbox: false,
  fields: {},
  secretsSet: {},
  needsReentry: false,
});

function setUp(options: { accounts: AccountView[]; settings?: Partial<Settings> }) {
  const calls: Array<{ name: CommandName; request: unknown }> = [];
  let listener: ((event: FerryEvent) => void) | undefined;
  const settings = { ...defaultSettings, ...options.settings };
  const api = {
    invoke: async (name: CommandName, request: unknown) => {
      calls.push({ name, request });
      switch (name) {
        case 'accounts.list':
          return options.accounts;
        case 'settings.get':
          return settings;
        case 'settings.update':
          return { ...settings, ...(request as Partial<Settings>) };
        case 'uploads.add':
          return { taskIds: (request as { paths: string[] }).paths.map((_, index) => `t${index}`) };
        case 'history.list':
          return { entries: [], nextCursor: null };
        default:
          return [];
      }
    },
    subscribe: (next: (event: FerryEvent) => void) => {
      listener = next;
      return () => undefined;
    },
    thumbnailUrl: (key: string) => key,
  } as unknown as FerryApi;
  const store = createAppStore();
  const actions = createAppActions({
    api,
    intake: { copiesBytes: false, pathFor: async (file) => `/files/${file.name}` },
    status: null,
    store,
    flushDelayMs: 0,
  });
  return { store, actions, calls, emit: (event: FerryEvent) => listener!(event) };
}

const file = (name: string, size: number) => ({
  kind: 'file' as const,
  file: new File([new Uint8Array(size)], name),
});
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const adds = (calls: Array<{ name: CommandName; request: unknown }>) =>
  calls.filter((call) => call.name === 'uploads.add').map((call) => call.request);

describe('"Ask each time" (transport faked)', () => {
  it('asks which account before uploading when there are several and none is the default', async () => {
    const { store, actions, calls } = setUp({ accounts: [account('a'), account('b')] });
    await actions.refresh();
    expect(targetAccount(store.getState())).toBeNull();
    const drop = actions.addItems([file('one.txt', 3)]);
    await settle();
    const [question] = store.getState().questions;
    expect(question).toMatchObject({ kind: 'account', count: 1 });
    expect(adds(calls)).toEqual([]);
    actions.answerAccount(question!.id, 'b', false);
    await drop;
    expect(store.getState().questions).toEqual([]);
    expect(adds(calls)).toEqual([{ paths: ['/files/one.txt'], accountId: 'b' }]);
    // Not remembered: the next drop asks again.
    expect(calls.some((call) => call.name === 'settings.update')).toBe(false);
    void actions.addItems([file('two.txt', 3)]);
    await settle();
    expect(store.getState().questions).toHaveLength(1);
  });

  it('remembers the answer as the default account when asked to, and a cancelled question uploads nothing', async () => {
    const { store, actions, calls } = setUp({ accounts: [account('a'), account('b')] });
    await actions.refresh();
    const cancelled = actions.addItems([file('no.txt', 3)]);
    await settle();
    actions.answerAccount(store.getState().questions[0]!.id, null, false);
    await cancelled;
    expect(adds(calls)).toEqual([]);

    const drop = actions.addItems([file('yes.txt', 3)]);
    await settle();
    actions.answerAccount(store.getState().questions[0]!.id, 'a', true);
    await drop;
    expect(calls.filter((call) => call.name === 'settings.update').map((call) => call.request)).toEqual([
      { defaultAccountId: 'a' },
    ]);
    expect(targetAccount(store.getState())).toBe('a');
  });

  it('does not ask with one account, nor when one is picked or is the default', async () => {
    const one = setUp({ accounts: [account('only')] });
    await one.actions.refresh();
    await one.actions.addItems([file('x.txt', 3)]);
    expect(adds(one.calls)).toEqual([{ paths: ['/files/x.txt'], accountId: 'only' }]);

    const preset = setUp({ accounts: [account('a'), account('b')], settings: { defaultAccountId: 'b' } });
    await preset.actions.refresh();
    await preset.actions.addItems([file('y.txt', 3)]);
    expect(adds(preset.calls)).toEqual([{ paths: ['/files/y.txt'], accountId: 'b' }]);
  });
});

describe('files the desktop app could not place (app.openFiles with rememberAccount; transport faked)', () => {
  const defaults = (calls: Array<{ name: CommandName; request: unknown }>) =>
    calls.filter((call) => call.name === 'settings.update').map((call) => call.request);

  it('asks with "from now on" ticked, and the answer becomes the default account', async () => {
    const { store, actions, calls, emit } = setUp({ accounts: [account('a'), account('b')] });
    actions.start();
    await actions.refresh();
    emit({ name: 'app.openFiles', payload: { paths: ['/clip/Screenshot.png'], rememberAccount: true } });
    await settle();
    const [question] = store.getState().questions;
    expect(question).toMatchObject({ kind: 'account', count: 1, remember: true });
    actions.answerAccount(question!.id, 'b', true);
    await settle();
    expect(adds(calls)).toEqual([{ paths: ['/clip/Screenshot.png'], accountId: 'b' }]);
    expect(defaults(calls)).toEqual([{ defaultAccountId: 'b' }]);
    expect(store.getState().settings?.defaultAccountId).toBe('b');
  });

  it('the user may untick it: the files go, the default stays "ask"', async () => {
    const { store, actions, calls, emit } = setUp({ accounts: [account('a'), account('b')] });
    actions.start();
    await actions.refresh();
    emit({ name: 'app.openFiles', payload: { paths: ['/clip/a.png'], rememberAccount: true } });
    await settle();
    actions.answerAccount(store.getState().questions[0]!.id, 'a', false);
    await settle();
    expect(adds(calls)).toEqual([{ paths: ['/clip/a.png'], accountId: 'a' }]);
    expect(defaults(calls)).toEqual([]);
  });

  it('with nothing to ask (one account, or one picked in the window) that account becomes the default at once', async () => {
    const one = setUp({ accounts: [account('only')] });
    one.actions.start();
    await one.actions.refresh();
    one.emit({ name: 'app.openFiles', payload: { paths: ['/clip/x.png'], rememberAccount: true } });
    await settle();
    expect(one.store.getState().questions).toEqual([]);
    expect(adds(one.calls)).toEqual([{ paths: ['/clip/x.png'], accountId: 'only' }]);
    expect(defaults(one.calls)).toEqual([{ defaultAccountId: 'only' }]);

    const picked = setUp({ accounts: [account('a'), account('b')] });
    picked.actions.start();
    await picked.actions.refresh();
    picked.store.getState().selectAccount('a');
    picked.emit({ name: 'app.openFiles', payload: { paths: ['/clip/y.png'], rememberAccount: true } });
    await settle();
    expect(defaults(picked.calls)).toEqual([{ defaultAccountId: 'a' }]);
  });

  it('files opened with Ferry (no rememberAccount) ask with it unticked and change no setting', async () => {
    const { store, actions, calls, emit } = setUp({ accounts: [account('a'), account('b')] });
    actions.start();
    await actions.refresh();
    emit({ name: 'app.openFiles', payload: { paths: ['/home/u/doc.pdf'] } });
    await settle();
    expect(store.getState().questions[0]).toMatchObject({ kind: 'account', remember: false });
    actions.answerAccount(store.getState().questions[0]!.id, 'a', false);
    await settle();
    expect(adds(calls)).toEqual([{ paths: ['/home/u/doc.pdf'], accountId: 'a' }]);
    expect(defaults(calls)).toEqual([]);

    const one = setUp({ accounts: [account('only')] });
    one.actions.start();
    await one.actions.refresh();
    one.emit({ name: 'app.openFiles', payload: { paths: ['/home/u/doc.pdf'] } });
    await settle();
    expect(defaults(one.calls)).toEqual([]);
  });
});

describe('empty files (transport faked)', () => {
  it('asks once for the whole drop; skipping uploads only the others', async () => {
    const { store, actions, calls } = setUp({ accounts: [account('a')] });
    await actions.refresh();
    const drop = actions.addItems([file('full.txt', 5), file('empty-1.txt', 0), file('empty-2.txt', 0)]);
    await settle();
    expect(store.getState().questions).toEqual([
      expect.objectContaining({ kind: 'empty', names: ['empty-1.txt', 'empty-2.txt'], total: 2 }),
    ]);
    expect(adds(calls)).toEqual([]);
    actions.answerEmpty(store.getState().questions[0]!.id, false, false);
    await drop;
    expect(adds(calls)).toEqual([{ paths: ['/files/full.txt'], accountId: 'a' }]);
  });

  it('uploads them when told to, and "always" saves the setting so the next drop is not asked', async () => {
    const { store, actions, calls } = setUp({ accounts: [account('a')] });
    await actions.refresh();
    const drop = actions.addItems([file('empty.txt', 0)]);
    await settle();
    actions.answerEmpty(store.getState().questions[0]!.id, true, true);
    await drop;
    expect(adds(calls)).toEqual([{ paths: ['/files/empty.txt'], accountId: 'a' }]);
    expect(store.getState().settings?.uploadEmptyFiles).toBe(true);
    await actions.addItems([file('empty-again.txt', 0)]);
    expect(store.getState().questions).toEqual([]);
    expect(adds(calls)).toHaveLength(2);
  });
});
