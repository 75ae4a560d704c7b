import { describe, expect, it, vi } from 'vitest';
import { ClipboardShortcut, type ShortcutStatus } from '../../../main/electron/clipboard-shortcut.ts';
import { FakeGlobalShortcut } from './desktop-fakes.ts';

// Electron's globalShortcut mocked (Electron binary unavailable): one registration per accelerator,
// refused when another app holds it, as the OS does.

function shortcut() {
  const globalShortcut = new FakeGlobalShortcut();
  const onPress = vi.fn();
  const statuses: ShortcutStatus[] = [];
  const instance = new ClipboardShortcut({
    globalShortcut,
    onPress,
    onStatus: (status) => statuses.push(status),
    log: { warn: () => undefined },
  });
  return { instance, globalShortcut, onPress, statuses };
}

describe('ClipboardShortcut (fake globalShortcut: Electron binary unavailable)', () => {
  it('registers the shortcut and uploads when it is pressed', () => {
    const { instance, globalShortcut, onPress, statuses } = shortcut();
    expect(instance.apply('CommandOrControl+Alt+Shift+U')).toEqual({
      state: 'registered',
      accelerator: 'CommandOrControl+Alt+Shift+U',
    });
    globalShortcut.press('CommandOrControl+Alt+Shift+U');
    expect(onPress).toHaveBeenCalledTimes(1);
    expect(statuses).toHaveLength(1);
    // The same accelerator again is no new registration.
    instance.apply('CommandOrControl+Alt+Shift+U');
    expect(globalShortcut.calls).toEqual(['register:CommandOrControl+Alt+Shift+U']);
  });

  it('reports a shortcut another app holds instead of ignoring it', () => {
    const { instance, globalShortcut, statuses } = shortcut();
    globalShortcut.takenByOthers.add('Ctrl+Shift+U');
    expect(instance.apply('Ctrl+Shift+U')).toEqual({ state: 'unavailable', accelerator: 'Ctrl+Shift+U' });
    expect(statuses).toEqual([{ state: 'unavailable', accelerator: 'Ctrl+Shift+U' }]);
    expect(globalShortcut.isRegistered('Ctrl+Shift+U')).toBe(false);
  });

  it('reports an accelerator Electron throws on as unavailable', () => {
    const { instance } = shortcut();
    expect(instance.apply('Ctrl++')).toEqual({ state: 'unavailable', accelerator: 'Ctrl++' });
  });

  it('registers again when the setting changes: the old one released first; "" turns it off', () => {
    const { instance, globalShortcut, onPress, statuses } = shortcut();
    instance.apply('Alt+F9');
    instance.apply('Ctrl+Alt+P');
    expect(globalShortcut.calls).toEqual(['register:Alt+F9', 'unregister:Alt+F9', 'register:Ctrl+Alt+P']);
    expect([...globalShortcut.registered.keys()]).toEqual(['Ctrl+Alt+P']);
    globalShortcut.press('Ctrl+Alt+P');
    expect(onPress).toHaveBeenCalledTimes(1);

    instance.apply('');
    expect(globalShortcut.registered.size).toBe(0);
    expect(statuses.at(-1)).toEqual({ state: 'off' });

    // After a refusal, a free one registers (nothing to release: it was never ours).
    globalShortcut.takenByOthers.add('Ctrl+Alt+T');
    instance.apply('Ctrl+Alt+T');
    instance.apply('Ctrl+Alt+Y');
    expect(globalShortcut.calls.slice(-2)).toEqual(['register:Ctrl+Alt+T', 'register:Ctrl+Alt+Y']);
    expect(instance.status).toEqual({ state: 'registered', accelerator: 'Ctrl+Alt+Y' });
  });

  it('lets the shortcut go on dispose', () => {
    const { instance, globalShortcut } = shortcut();
    instance.apply('Alt+F9');
    instance.dispose();
    expect(globalShortcut.registered.size).toBe(0);
  });
});
