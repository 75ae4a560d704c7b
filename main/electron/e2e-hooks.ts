import type { MenuItemConstructorOptions } from 'electron';
import type { DesktopElectron } from './desktop.ts';
import type { NotificationConstructor, NotificationLike } from './notifications.ts';

/**
 * What the Electron e2e suite (test/e2e/electron/) reads from the main process through Playwright's
 * `electronApp.evaluate`: the tray menu's labels and the notifications Ferry showed. Exists only when
 * FERRY_E2E_HOOKS=1; a packaged app started normally never has it.
 */
export interface E2EProbe {
  /** The labels of the last menu built for the tray (separators left out). */
  trayMenuLabels: string[] | null;
  notifications: Array<{ title: string; body: string }>;
}

export const e2eProbeGlobal = '__ferryE2E';

export function e2eHooksEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.FERRY_E2E_HOOKS === '1';
}

function labelsOf(template: readonly MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) =>
    item.type === 'separator' || item.label === undefined ? [] : [item.label],
  );
}

/**
 * The desktop modules, recording what the tray menu and notifications show. Notifications are recorded
 * when shown and then shown for real only where the system supports them: test machines often run no
 * notification daemon, and the point is to see that Ferry asked.
 */
export function withE2EProbe(desktop: DesktopElectron, probe: E2EProbe): DesktopElectron {
  const RealNotification = desktop.Notification;
  class RecordingNotification implements NotificationLike {
    static isSupported(): boolean {
      return true;
    }
    readonly #options: { title: string; body: string };
    readonly #real: NotificationLike | null;
    constructor(options: { title: string; body: string }) {
      this.#options = { title: options.title, body: options.body };
      this.#real = RealNotification.isSupported() ? new RealNotification(options) : null;
    }
    on(event: 'click' | 'close', listener: () => void): this {
      this.#real?.on(event, listener);
      return this;
    }
    show(): void {
      probe.notifications.push({ ...this.#options });
      this.#real?.show();
    }
  }
  const Notification: NotificationConstructor = RecordingNotification;
  return {
    ...desktop,
    Notification,
    Menu: {
      buildFromTemplate(template) {
        probe.trayMenuLabels = labelsOf(template);
        return desktop.Menu.buildFromTemplate(template);
      },
    },
  };
}

/** Install the probe on the main process's global object, for `electronApp.evaluate`. */
export function installE2EProbe(desktop: DesktopElectron): DesktopElectron {
  const probe: E2EProbe = { trayMenuLabels: null, notifications: [] };
  (globalThis as Record<string, unknown>)[e2eProbeGlobal] = probe;
  return withE2EProbe(desktop, probe);
}
