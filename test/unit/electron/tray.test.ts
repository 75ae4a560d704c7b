import { describe, expect, it, vi } from 'vitest';
import {
  menuLabel,
  textToCopy,
  trayMenuTemplate,
  trayTooltip,
  TrayView,
  type TrayMenuActions,
} from '../../../main/electron/tray.ts';
import { zhCN } from '../../../main/electron/strings/zh-CN.ts';
import { entry, fakeDesktopElectron, FakeTray, type FakeImage } from './desktop-fakes.ts';

const idle = { active: 0, paused: 0, fraction: null };

function actions(): TrayMenuActions {
  return {
    copy: vi.fn(),
    uploadClipboard: vi.fn(),
    setDropWindow: vi.fn(),
    pauseAll: vi.fn(),
    resumeAll: vi.fn(),
    openWindow: vi.fn(),
    quit: vi.fn(),
  };
}

describe('tray text and menu (plain logic)', () => {
  it('says how many files upload and how far they are', () => {
    expect(trayTooltip(idle)).toBe('Ferry');
    expect(trayTooltip({ active: 3, paused: 0, fraction: 0.4291 })).toBe('Ferry — 3 uploading, 42%');
    expect(trayTooltip({ active: 1, paused: 2, fraction: null })).toBe('Ferry — 1 uploading, 2 paused');
    expect(trayTooltip({ active: 0, paused: 2, fraction: 0.5 })).toBe('Ferry — 2 paused');
  });

  it('shortens long names in the middle and escapes & for Windows', () => {
    expect(menuLabel('a & b.png')).toBe('a && b.png');
    const long = `${'x'.repeat(60)}.screenshot.png`;
    expect(menuLabel(long)).toBe(`${'x'.repeat(28)}…eenshot.png`);
  });

  it("copies in the user's link format, and the plain link when that format does not apply", () => {
    const image = entry({ name: 'cat.png' });
    expect(textToCopy(image, 'url')).toBe(image.links[0]!.url);
    expect(textToCopy(image, 'markdown')).toBe(`![cat.png](${image.links[0]!.url})`);
    // Easemob's message body only applies to Easemob uploads: fall back to the link.
    expect(textToCopy(image, 'easemob-message-body')).toBe(image.links[0]!.url);
    expect(textToCopy(image, 'no-such-format')).toBe(image.links[0]!.url);
    expect(textToCopy(entry({ links: [] }), 'url')).toBeNull();
  });

  it('lists the recent uploads, and enables pause or resume only when they would do something', () => {
    const recent = [entry({ name: 'one.png' }), entry({ name: 'two.png', links: [] })];
    const handlers = actions();
    const template = trayMenuTemplate({ recent, snapshot: { active: 2, paused: 0, fraction: 0 } }, handlers);
    const labels = template.map((item) => item.label ?? `<${item.type}>`);
    expect(labels).toEqual([
      'Upload clipboard',
      'Drop window',
      '<separator>',
      'Recent uploads — click to copy',
      'one.png',
      'two.png',
      '<separator>',
      'Pause all',
      'Resume all',
      '<separator>',
      'Open Ferry',
      'Quit Ferry',
    ]);
    const byLabel = (label: string) => template.find((item) => item.label === label)!;
    expect(byLabel('two.png').enabled).toBe(false);
    expect(byLabel('Pause all').enabled).toBe(true);
    expect(byLabel('Resume all').enabled).toBe(false);
    (byLabel('one.png').click as () => void)();
    expect(handlers.copy).toHaveBeenCalledWith(recent[0]);

    const empty = trayMenuTemplate(
      { recent: [], snapshot: { active: 0, paused: 1, fraction: null } },
      handlers,
    );
    expect(empty[4]).toMatchObject({ label: 'No uploads yet', enabled: false });
    expect(empty.find((item) => item.label === 'Resume all')?.enabled).toBe(true);
    expect(empty.find((item) => item.label === 'Pause all')?.enabled).toBe(false);
  });
});

describe('the tray menu of the clipboard loop', () => {
  it('uploads the clipboard, shows its shortcut as a hint only, and toggles the drop window', () => {
    const handlers = actions();
    const template = trayMenuTemplate(
      { recent: [], snapshot: idle, clipboardShortcut: 'CommandOrControl+Alt+Shift+U', dropWindow: false },
      handlers,
    );
    const upload = template.find((item) => item.label === 'Upload clipboard')!;
    // registerAccelerator false: the global shortcut is clipboard-shortcut.ts's, not the menu's.
    expect(upload).toMatchObject({ accelerator: 'CommandOrControl+Alt+Shift+U', registerAccelerator: false });
    (upload.click as () => void)();
    expect(handlers.uploadClipboard).toHaveBeenCalled();
    const drop = template.find((item) => item.label === 'Drop window')!;
    expect(drop).toMatchObject({ type: 'checkbox', checked: false });
    (drop.click as () => void)();
    expect(handlers.setDropWindow).toHaveBeenCalledWith(true);

    const noShortcut = trayMenuTemplate({ recent: [], snapshot: idle, clipboardShortcut: '' }, handlers);
    expect(noShortcut[0]!.accelerator).toBeUndefined();
  });

  it('speaks Chinese when the app does', () => {
    const template = trayMenuTemplate(
      { recent: [], snapshot: { active: 0, paused: 1, fraction: null }, strings: zhCN },
      actions(),
    );
    expect(template.flatMap((item) => (item.label === undefined ? [] : [item.label]))).toEqual([
      '上传剪贴板',
      '悬浮上传窗',
      '最近上传 — 点击复制',
      '还没有上传',
      '全部暂停',
      '全部继续',
      '打开 Ferry',
      '退出 Ferry',
    ]);
    expect(trayTooltip({ active: 2, paused: 1, fraction: 0.5 }, zhCN)).toBe(
      'Ferry — 2 个正在上传，50%，1 个已暂停',
    );
  });
});

describe('TrayView (mocked Electron Tray, Menu and nativeImage)', () => {
  function view(platform: NodeJS.Platform = 'linux') {
    const { modules } = fakeDesktopElectron();
    const handlers = actions();
    const onDropFiles = vi.fn();
    const trayView = new TrayView({
      electron: modules,
      iconDir: '/opt/ferry/resources/tray',
      platform,
      actions: handlers,
      onDropFiles,
    });
    const tray = FakeTray.instances[0]!;
    return { trayView, tray, handlers, onDropFiles };
  }

  it('loads its icons from the folder it is given and switches to the uploading one', () => {
    const { trayView, tray } = view();
    expect(tray.image).toEqual<FakeImage>({ path: '/opt/ferry/resources/tray/tray.png' });
    trayView.render({ recent: [], snapshot: { active: 1, paused: 0, fraction: 0.1 } });
    expect(tray.image.path).toBe('/opt/ferry/resources/tray/tray-uploading.png');
    expect(tray.toolTip).toBe('Ferry — 1 uploading, 10%');
    trayView.render({ recent: [], snapshot: idle });
    expect(tray.image.path).toBe('/opt/ferry/resources/tray/tray.png');
    expect(tray.toolTip).toBe('Ferry');
  });

  it('rebuilds the menu only when what it shows changes, not on every progress tick', () => {
    const { trayView, tray } = view();
    const recent = [entry()];
    trayView.render({ recent, snapshot: { active: 1, paused: 0, fraction: 0.1 } });
    trayView.render({ recent, snapshot: { active: 1, paused: 0, fraction: 0.2 } });
    trayView.render({ recent, snapshot: { active: 1, paused: 0, fraction: 0.3 } });
    expect(tray.menuBuilds).toBe(1);
    expect(tray.toolTips).toEqual([
      'Ferry',
      'Ferry — 1 uploading, 10%',
      'Ferry — 1 uploading, 20%',
      'Ferry — 1 uploading, 30%',
    ]);
    trayView.render({ recent: [entry(), ...recent], snapshot: { active: 1, paused: 0, fraction: 0.3 } });
    expect(tray.menuBuilds).toBe(2);
    // A language switch rebuilds it too.
    trayView.render({
      recent: [entry(), ...recent],
      snapshot: { active: 1, paused: 0, fraction: 0.3 },
      strings: zhCN,
    });
    expect(tray.menuBuilds).toBe(3);
    expect(tray.item('上传剪贴板')).toBeDefined();
  });

  it('hands files dropped on the icon over (the macOS drop-files event)', () => {
    const { tray, onDropFiles } = view('darwin');
    tray.emit('drop-files', {}, ['/Users/me/a.png', '/Users/me/b.mov']);
    expect(onDropFiles).toHaveBeenCalledWith(['/Users/me/a.png', '/Users/me/b.mov']);
    tray.emit('drop-files', {}, []);
    expect(onDropFiles).toHaveBeenCalledTimes(1);
  });

  it('opens the window on click except on macOS, where a click opens the menu', () => {
    const linux = view('win32');
    linux.tray.emit('click');
    expect(linux.handlers.openWindow).toHaveBeenCalled();
    const mac = view('darwin');
    expect(mac.tray.listenerCount('click')).toBe(0);
  });
});
