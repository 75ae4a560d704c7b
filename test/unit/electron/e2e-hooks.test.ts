import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DesktopElectron } from '../../../main/electron/desktop.ts';
import {
  e2eHooksEnabled,
  installE2EProbe,
  withE2EProbe,
  type E2EProbe,
} from '../../../main/electron/e2e-hooks.ts';

// Fake desktop modules (Tray, Menu, Notification …): no Electron binary here.

type MenuTemplate = Parameters<DesktopElectron['Menu']['buildFromTemplate']>[0];
type BuiltMenu = ReturnType<DesktopElectron['Menu']['buildFromTemplate']>;
type Image = ReturnType<DesktopElectron['nativeImage']['createFromPath']>;

function fakeDesktop(notificationsSupported: boolean) {
  const shown: string[] = [];
  class FakeNotification {
    static isSupported = () => notificationsSupported;
    readonly options: { title: string; body: string };
    constructor(options: { title: string; body: string }) {
      this.options = options;
    }
    on() {
      return this;
    }
    show() {
      shown.push(this.options.title);
    }
  }
  const buildFromTemplate = vi.fn((template: MenuTemplate) => ({ template }) as unknown as BuiltMenu);
  const desktop = {
    Tray: class {} as unknown as DesktopElectron['Tray'],
    Menu: { buildFromTemplate },
    nativeImage: { createFromPath: () => ({}) as Image },
    clipboard: { writeText: () => {}, read: async () => [] },
    Notification: FakeNotification,
    powerSaveBlocker: {} as DesktopElectron['powerSaveBlocker'],
  } as DesktopElectron;
  return { desktop, shown, buildFromTemplate };
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>).__ferryE2E;
});

describe('e2e hooks (fake desktop modules: Electron binary unavailable)', () => {
  it('are on only with FERRY_E2E_HOOKS=1', () => {
    expect(e2eHooksEnabled({ FERRY_E2E_HOOKS: '1' })).toBe(true);
    expect(e2eHooksEnabled({ FERRY_E2E_HOOKS: 'true' })).toBe(false);
    expect(e2eHooksEnabled({})).toBe(false);
  });

  it('record the tray menu labels and still build the real menu', () => {
    const { desktop, buildFromTemplate } = fakeDesktop(true);
    const probe: E2EProbe = { trayMenuLabels: null, notifications: [] };
    const template: MenuTemplate = [{ label: 'Open Ferry' }, { type: 'separator' }, { label: 'Quit Ferry' }];
    withE2EProbe(desktop, probe).Menu.buildFromTemplate(template);
    expect(probe.trayMenuLabels).toEqual(['Open Ferry', 'Quit Ferry']);
    expect(buildFromTemplate).toHaveBeenCalledWith(template);
  });

  it.each([true, false])(
    'record shown notifications (system support: %s), showing them where supported',
    (supported) => {
      const { desktop, shown } = fakeDesktop(supported);
      const probe: E2EProbe = { trayMenuLabels: null, notifications: [] };
      const { Notification } = withE2EProbe(desktop, probe);
      expect(Notification.isSupported()).toBe(true);
      new Notification({ title: '2 files uploaded', body: 'http://127.0.0.1/x' }).show();
      expect(probe.notifications).toEqual([{ title: '2 files uploaded', body: 'http://127.0.0.1/x' }]);
      expect(shown).toEqual(supported ? ['2 files uploaded'] : []);
    },
  );

  it('installs the probe on the global object the e2e suite reads', () => {
    installE2EProbe(fakeDesktop(true).desktop);
    expect((globalThis as Record<string, unknown>).__ferryE2E).toEqual({
      trayMenuLabels: null,
      notifications: [],
    });
  });
});
