import { describe, expect, it, vi } from 'vitest';
import type { BatchSummary } from '../../../main/electron/batch-tracker.ts';
import { batchNotifications, mayNotify, Notifier } from '../../../main/electron/notifications.ts';
import { defaultSettings } from '../../../shared/settings.ts';
import { en } from '../../../main/electron/strings/en.ts';
import { zhCN } from '../../../main/electron/strings/zh-CN.ts';
import { entry, fakeDesktopElectron, FakeNotification } from './desktop-fakes.ts';

function summary(overrides: Partial<BatchSummary> = {}): BatchSummary {
  return { uploaded: 0, failed: 0, cancelled: 0, failures: [], firstEntry: null, entries: [], ...overrides };
}

describe('batch notifications (plain logic)', () => {
  it('names a single upload and shows its link', () => {
    const first = entry({ name: 'cat.png' });
    expect(batchNotifications(summary({ uploaded: 1, firstEntry: first }))).toEqual([
      { title: 'Uploaded cat.png', body: first.links[0]!.url, view: 'history', entryId: first.id },
    ]);
  });

  it('shows a name’s direction override as \\u202E, in the title of an upload and of a failure', () => {
    const first = entry({ name: 'photo\u202Egnp.exe' });
    const [uploaded] = batchNotifications(summary({ uploaded: 1, firstEntry: first }));
    expect(uploaded!.title).toBe('Uploaded photo\\u202Egnp.exe');
    const [failed] = batchNotifications(
      summary({ failed: 1, failures: [{ name: 'photo\u202Egnp.exe', message: 'refused' }] }),
    );
    expect(failed!.title).toBe('Upload failed: photo\\u202Egnp.exe');
  });

  it('counts a batch, and announces its failures in a second notification that opens the queue', () => {
    const first = entry();
    const specs = batchNotifications(
      summary({
        uploaded: 3,
        failed: 2,
        firstEntry: first,
        failures: [
          { name: 'big.mov', message: 'The provider refused the file: too large.' },
          { name: 'gone.png', message: 'The file is gone.' },
        ],
      }),
    );
    expect(specs).toEqual([
      { title: '3 files uploaded, 2 failed', body: first.links[0]!.url, view: 'history', entryId: first.id },
      {
        title: '2 uploads failed',
        body: 'big.mov: The provider refused the file: too large. (and 1 more)',
        view: 'queue',
      },
    ]);
  });

  it('says what was copied when the links went to the clipboard', () => {
    const first = entry({ name: 'shot.png' });
    const markdown = `![shot.png](${first.links[0]!.url})`;
    expect(
      batchNotifications(summary({ uploaded: 1, firstEntry: first }), en, { text: markdown, count: 1 }),
    ).toEqual([
      { title: 'Uploaded shot.png — link copied', body: markdown, view: 'history', entryId: first.id },
    ]);
    const [batch] = batchNotifications(summary({ uploaded: 3, failed: 1, firstEntry: first }), en, {
      text: 'https://a\nhttps://b\nhttps://c',
      count: 3,
    });
    expect(batch).toMatchObject({ title: '3 links copied, 1 failed', body: 'https://a (and 2 more)' });
  });

  it('speaks Chinese when the app does', () => {
    const first = entry({ name: '截图.png' });
    const specs = batchNotifications(
      summary({
        uploaded: 1,
        failed: 2,
        firstEntry: first,
        failures: [
          { name: 'a', message: 'x' },
          { name: 'b', message: 'y' },
        ],
      }),
      zhCN,
      { text: 'https://a', count: 1 },
    );
    expect(specs.map((spec) => spec.title)).toEqual(['已复制 1 个链接，2 个失败', '2 个上传失败']);
    expect(specs[1]!.body).toBe('a: x （另有 1 个）');
  });

  it('says only the failure when nothing was uploaded, and nothing for a cancelled batch', () => {
    expect(
      batchNotifications(summary({ failed: 1, failures: [{ name: 'a.png', message: 'Nope.' }] })),
    ).toEqual([{ title: 'Upload failed: a.png', body: 'Nope.', view: 'queue' }]);
    expect(batchNotifications(summary({ cancelled: 4 }))).toEqual([]);
  });

  it('is quiet when notifications are off, and while the window has the focus unless asked', () => {
    const on = { notifications: true, notifyWhenFocused: false };
    expect(mayNotify(on, false)).toBe(true);
    expect(mayNotify(on, true)).toBe(false);
    expect(mayNotify({ ...on, notifyWhenFocused: true }, true)).toBe(true);
    expect(mayNotify({ ...on, notifications: false }, false)).toBe(false);
  });
});

describe('Notifier (mocked Electron Notification)', () => {
  function notifier(settings = defaultSettings, focused = false) {
    const { modules } = fakeDesktopElectron();
    const open = vi.fn();
    const instance = new Notifier({
      Notification: modules.Notification,
      settings: () => settings,
      isWindowFocused: () => focused,
      open,
    });
    return { instance, open };
  }

  it('shows the notifications and opens the view a click asks for', () => {
    const { instance, open } = notifier();
    const shown = instance.notify(
      summary({ uploaded: 1, failed: 1, firstEntry: entry(), failures: [{ name: 'x', message: 'y' }] }),
    );
    expect(shown).toBe(2);
    expect(FakeNotification.instances.map((n) => n.shown)).toEqual([true, true]);
    expect(instance.held).toBe(2);
    FakeNotification.instances[0]!.emit('click');
    expect(open).toHaveBeenCalledWith('history', expect.any(String));
    FakeNotification.instances[1]!.emit('click');
    expect(open).toHaveBeenLastCalledWith('queue', undefined);
    expect(instance.held).toBe(0);
  });

  it('shows nothing when the settings or the focus say so, or the OS cannot', () => {
    const batch = summary({ uploaded: 2, firstEntry: entry() });
    expect(notifier({ ...defaultSettings, notifications: false }).instance.notify(batch)).toBe(0);
    expect(notifier(defaultSettings, true).instance.notify(batch)).toBe(0);
    expect(notifier({ ...defaultSettings, notifyWhenFocused: true }, true).instance.notify(batch)).toBe(1);
    const unsupported = notifier();
    FakeNotification.supported = false;
    expect(unsupported.instance.notify(batch)).toBe(0);
  });
});
