import type { CommandName } from '../../shared/channels.ts';
import type { CommandRequest, CommandResponse, FerryEvent } from '../../shared/contract.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import type { FerryService } from '../service.ts';
import { BatchTracker, isRunning } from './batch-tracker.ts';
import { Notifier, type NotificationConstructor } from './notifications.ts';
import {
  dockBadge,
  PowerKeeper,
  progressBarState,
  type PowerSaveBlockerLike,
  type ProgressBarState,
} from './power.ts';
import type { AppView } from './renderer-mailbox.ts';
import { textToCopy, trayRecentCount, TrayView, type TrayElectron } from './tray.ts';

/** The Electron modules desktop integration uses, injected so it runs against fakes in tests. */
export interface DesktopElectron extends TrayElectron {
  clipboard: { writeText(text: string): void };
  Notification: NotificationConstructor;
  powerSaveBlocker: PowerSaveBlockerLike;
}

/** What desktop integration asks of the application's window handling. */
export interface DesktopShell {
  /** Show the main window (creating it if needed), on `view` if given. */
  showWindow(view?: AppView): void;
  /** Show the window and hand it paths to upload, for the user to pick the account. */
  openFilesInWindow(paths: string[]): void;
  isWindowFocused(): boolean;
  setProgressBar(state: ProgressBarState): void;
  setDockBadge(text: string): void;
  quit(): void;
}

export interface DesktopOptions {
  service: Pick<FerryService, 'dispatch' | 'subscribe' | 'settings' | 'grantPaths'>;
  electron: DesktopElectron;
  /** The folder holding tray.png and friends (resources/tray); null: no tray icon. */
  iconDir: string | null;
  platform: NodeJS.Platform;
  shell: DesktopShell;
  log?: Pick<Console, 'warn' | 'error'>;
  /** The tooltip, taskbar progress and power blocker follow progress at most this often. */
  renderIntervalMs?: number;
}

/**
 * Ferry outside its window: the tray icon and menu, the taskbar/dock progress, the power blocker and
 * the notifications, all fed by the service's events through one BatchTracker.
 */
export class DesktopIntegration {
  readonly #options: DesktopOptions;
  readonly #log: Pick<Console, 'warn' | 'error'>;
  readonly #tracker = new BatchTracker();
  readonly #power: PowerKeeper;
  readonly #notifier: Notifier;
  #tray: TrayView | null = null;
  #recent: HistoryEntryView[] = [];
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;
  #unsubscribe: (() => void) | null = null;
  #renderTimer: ReturnType<typeof setTimeout> | undefined;
  #lastRender = 0;
  #disposed = false;

  constructor(options: DesktopOptions) {
    this.#options = options;
    this.#log = options.log ?? console;
    this.#power = new PowerKeeper(options.electron.powerSaveBlocker);
    this.#notifier = new Notifier({
      Notification: options.electron.Notification,
      settings: () => options.service.settings(),
      isWindowFocused: () => options.shell.isWindowFocused(),
      open: (view) => options.shell.showWindow(view),
      log: this.#log,
    });
  }

  /** Whether a tray icon exists: hiding the window on close is only safe with a way back. */
  get hasTray(): boolean {
    return this.#tray !== null;
  }

  /** Subscribe, put up the tray icon and load what it lists. Resolves once the first lists are in. */
  async start(): Promise<void> {
    const { service, iconDir } = this.#options;
    this.#unsubscribe = service.subscribe((event) => this.#onEvent(event));
    if (iconDir !== null) this.#createTray(iconDir);
    try {
      // Tasks resumed from the journal at start were announced before this subscription.
      const tasks = await this.#call('uploads.list', {});
      this.#tracker.applyTasks(tasks.filter((task) => isRunning(task) || task.state === 'paused'));
    } catch (error) {
      this.#log.warn('Could not list the uploads for the tray', error);
    }
    await this.#refreshRecent();
    this.#render();
  }

  /**
   * Files opened with Ferry or dropped on its tray icon: to the default account if one is set and
   * takes them, else to the window, which asks where they go.
   */
  async openPaths(paths: readonly string[]): Promise<'enqueued' | 'window' | 'none'> {
    if (paths.length === 0 || this.#disposed) return 'none';
    const accountId = this.#options.service.settings().defaultAccountId;
    if (accountId !== null) {
      try {
        await this.#call('uploads.add', { paths: [...paths], accountId });
        return 'enqueued';
      } catch (error) {
        // A default account removed since it was chosen, say: the user picks another in the window.
        this.#log.warn('Could not enqueue opened files to the default account', error);
      }
    }
    this.#options.shell.openFilesInWindow([...paths]);
    return 'window';
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#renderTimer);
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#power.release();
    this.#tray?.destroy();
    this.#tray = null;
  }

  #createTray(iconDir: string): void {
    const { electron, platform, service, shell } = this.#options;
    try {
      this.#tray = new TrayView({
        electron,
        iconDir,
        platform,
        onDropFiles: (paths) => {
          // The OS handed these over (a drop on the icon): uploads.add may name them.
          service.grantPaths(paths);
          void this.openPaths(paths);
        },
        actions: {
          copy: (entry) => {
            const text = textToCopy(entry, service.settings().linkFormat);
            if (text !== null) electron.clipboard.writeText(text);
          },
          pauseAll: () => void this.#run('uploads.pauseAll'),
          resumeAll: () => void this.#run('uploads.resumeAll'),
          openWindow: () => shell.showWindow(),
          quit: () => shell.quit(),
        },
      });
    } catch (error) {
      // Some Linux desktops have no tray; Ferry works without one (closing the window then quits).
      this.#log.warn('Could not create the tray icon', error);
    }
  }

  #onEvent(event: FerryEvent): void {
    if (this.#disposed) return;
    switch (event.name) {
      case 'tasks.changed': {
        const summary = this.#tracker.applyTasks(event.payload.tasks);
        if (summary !== null) {
          this.#notifier.notify(summary);
          // The queue went idle: stop the progress bar and the power blocker now, not a tick later.
          this.#render();
        } else {
          this.#scheduleRender();
        }
        break;
      }
      case 'history.added':
        this.#tracker.addEntry(event.payload.entry);
        void this.#refreshRecent().then(() => this.#scheduleRender());
        break;
      case 'history.updated':
      case 'history.removed':
        void this.#refreshRecent().then(() => this.#scheduleRender());
        break;
      default:
        break;
    }
  }

  /** The last uploads for the tray menu; overlapping refreshes collapse into one more run. */
  #refreshRecent(): Promise<void> {
    if (this.#refreshing !== null) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      do {
        this.#refreshAgain = false;
        try {
          const page = await this.#call('history.list', { limit: trayRecentCount });
          this.#recent = page.entries;
        } catch (error) {
          this.#log.warn('Could not list the recent uploads for the tray', error);
        }
      } while (this.#refreshAgain && !this.#disposed);
    })().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  #scheduleRender(): void {
    if (this.#renderTimer !== undefined || this.#disposed) return;
    const interval = this.#options.renderIntervalMs ?? 250;
    const wait = Math.max(0, this.#lastRender + interval - Date.now());
    this.#renderTimer = setTimeout(() => this.#render(), wait);
  }

  #render(): void {
    clearTimeout(this.#renderTimer);
    this.#renderTimer = undefined;
    if (this.#disposed) return;
    this.#lastRender = Date.now();
    const snapshot = this.#tracker.snapshot();
    this.#power.update(snapshot.active > 0);
    try {
      this.#tray?.render({ recent: this.#recent, snapshot });
      this.#options.shell.setProgressBar(progressBarState(snapshot));
      this.#options.shell.setDockBadge(dockBadge(snapshot));
    } catch (error) {
      this.#log.error('Could not update the tray or the taskbar', error);
    }
  }

  async #run(name: 'uploads.pauseAll' | 'uploads.resumeAll'): Promise<void> {
    try {
      await this.#call(name, {});
    } catch (error) {
      this.#log.warn(`Could not run ${name} from the tray`, error);
    }
  }

  /** The service's dispatch, typed: it validates the request and answers with the command's response. */
  async #call<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<CommandResponse<N>> {
    return (await this.#options.service.dispatch(name, request)) as CommandResponse<N>;
  }
}
