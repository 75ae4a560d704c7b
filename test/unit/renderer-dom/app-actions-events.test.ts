import { describe, expect, it } from 'vitest';
import type { CommandName } from '../../../shared/channels.ts';
import type { FerryApi, FerryEvent } from '../../../shared/contract.ts';
import { defaultSettings } from '../../../shared/settings.ts';
import { createAppActions } from '../../../renderer/state/app-actions.ts';
import { createAppStore } from '../../../renderer/state/app-store.ts';

// Renderer state tests type-checked with the DOM types (tsconfig.web.json), run by vitest in Node.
// The events only the Electron main side sends: a notification click asks for a view, files opened
// with the app arrive as paths. A fake transport stands in for the preload (no Electron here).

function fakeApi() {
  const calls: Array<{ name: CommandName; request: unknown }> = [];
  let listener: ((event: FerryEvent) => void) | undefined;
  const answers: Partial<Record<CommandName, unknown>> = {
    'accounts.list': [],
    'uploads.list': [],
    'history.list': { entries: [], nextCursor: null },
    'settings.get': defaultSettings,
    'notices.list': [],
    'vault.status': { secure: true, kind: 'os-keychain', note: '' },
    'uploads.add': { taskIds: ['t1'] },
  };
  const api = {
    invoke: async (name: CommandName, request: unknown) => {
      calls.push({ name, request });
      return answers[name];
    },
    subscribe: (next: (event: FerryEvent) => void) => {
      listener = next;
      return () => undefined;
    },
    thumbnailUrl: (key: string) => `test://${key}`,
  } as unknown as FerryApi;
  return { api, calls, answers, emit: (event: FerryEvent) => listener!(event) };
}

function setUp() {
  const { api, calls, emit, answers } = fakeApi();
  const store = createAppStore();
  const actions = createAppActions({
    api,
    intake: { copiesBytes: false, pathFor: async () => '/unused' },
    status: null,
    store,
    flushDelayMs: 0,
  });
  actions.start();
  return { store, calls, emit, answers, actions };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('events from the Electron main side (transport faked)', () => {
  it('app.navigate switches the view', () => {
    const { store, emit } = setUp();
    emit({ name: 'app.navigate', payload: { view: 'history' } });
    expect(store.getState().view).toBe('history');
    expect(store.getState().historyRevealRequest).toBeNull();
  });

  it('app.navigate with an entry opens the history on it, for the history view to show', () => {
    const { store, emit } = setUp();
    store.getState().setView('settings');
    emit({ name: 'app.navigate', payload: { view: 'history', entryId: 'entry-7' } });
    expect(store.getState().view).toBe('history');
    expect(store.getState().historyRevealRequest).toBe('entry-7');
    store.getState().revealHistoryEntry(null);
    expect(store.getState().historyRevealRequest).toBeNull();
    expect(store.getState().view).toBe('history');
  });

  it('app.openFiles uploads the paths to the selected account and shows the queue', async () => {
    const { store, calls, emit } = setUp();
    store.getState().selectAccount('acc-1');
    store.getState().setView('settings');
    emit({ name: 'app.openFiles', payload: { paths: ['/home/u/a.png', '/home/u/b.pdf'] } });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().view).toBe('queue');
    expect(calls.filter((call) => call.name === 'uploads.add')).toEqual([
      { name: 'uploads.add', request: { paths: ['/home/u/a.png', '/home/u/b.pdf'], accountId: 'acc-1' } },
    ]);
  });

  it('app.openFiles with no account chosen asks for one instead of uploading', async () => {
    const { store, calls, emit } = setUp();
    store.setState({ selectedAccountId: null });
    emit({ name: 'app.openFiles', payload: { paths: ['/home/u/a.png'] } });
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.some((call) => call.name === 'uploads.add')).toBe(false);
    expect(store.getState().localItems.map((item) => item.reason?.key)).toEqual([
      'queue:local.chooseAccount',
    ]);
  });
});

describe('notices (transport faked)', () => {
  it('a settings change re-lists them: a shortcut notice the main side cleared leaves the window', async () => {
    const { store, calls, emit, answers } = setUp();
    await settle();
    const taken = {
      id: 'n-shortcut',
      kind: 'shortcut-unavailable' as const,
      message: 'Ctrl+Alt+Shift+U is taken',
      createdAt: 1,
    };
    emit({ name: 'notice', payload: taken });
    expect(store.getState().notices).toEqual([taken]);
    // The new shortcut registered: the main side dropped the notice without an event.
    answers['notices.list'] = [];
    const before = calls.filter((call) => call.name === 'notices.list').length;
    emit({
      name: 'settings.changed',
      payload: { settings: { ...defaultSettings, clipboardShortcut: 'CommandOrControl+Alt+K' } },
    });
    await settle();
    expect(calls.filter((call) => call.name === 'notices.list')).toHaveLength(before + 1);
    expect(store.getState().notices).toEqual([]);
  });

  it('the list does not bring back a notice dismissed in this window', async () => {
    const { store, emit, answers, actions } = setUp();
    await settle();
    const restored = { id: 'n1', kind: 'database-restored' as const, message: 'x', createdAt: 1 };
    const taken = { id: 'n2', kind: 'shortcut-unavailable' as const, message: 'y', createdAt: 2 };
    emit({ name: 'notice', payload: restored });
    await actions.dismissNotice('n1');
    answers['notices.list'] = [restored, taken];
    emit({ name: 'settings.changed', payload: { settings: defaultSettings } });
    await settle();
    expect(store.getState().notices).toEqual([taken]);
  });

  it('dismissing one hides it and tells the service, which keeps it dismissed after a restart', async () => {
    const { store, calls, emit, actions } = setUp();
    const notice = { id: 'n1', kind: 'database-reset' as const, message: 'kept at "/x"', createdAt: 1 };
    emit({ name: 'notice', payload: notice });
    expect(store.getState().notices).toEqual([notice]);
    await actions.dismissNotice('n1');
    expect(store.getState().notices).toEqual([]);
    expect(calls.filter((call) => call.name === 'notices.dismiss')).toEqual([
      { name: 'notices.dismiss', request: { id: 'n1' } },
    ]);
  });
});
