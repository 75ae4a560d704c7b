import type { CommandName } from '../../shared/channels.ts';
import type { CommandRequest, CommandResponse, FerryEvent } from '../../shared/contract.ts';
import type { HistoryEntryView } from '../../shared/models.ts';
import type { Settings } from '../../shared/settings.ts';
import type { ClipboardSource, FerryService } from '../service.ts';
import { BatchTracker, isRunning, type BatchSummary } from './batch-tracker.ts';
import { linksToCopy, uploadClipboard } from './clipboard-loop.ts';
import { ClipboardShortcut, type GlobalShortcutLike, type ShortcutStatus } from './clipboard-shortcut.ts';
import { Notifier, type NotificationConstructor } from './notifications.ts';
import {
  dockBadge,
  PowerKeeper,
  progressBarState,
  type PowerSaveBlockerLike,
  type ProgressBarState,
} from './power.ts';
import type { AppView } from './renderer-mailbox.ts';
import { mainStrings, type MainStrings } from './strings/main-strings.ts';
import { textToCopy, trayRecentCount, TrayView, type TrayElectron } from './tray.ts';

/** The Electron modules desktop integration uses, injected so it runs against fakes in tests. */
export interface DesktopElectron extends TrayElectron {
  /** Read by the service (`uploads.clipboard`), written with the links of finished uploads. */
  clipboard: ClipboardSource & { writeText(text: string): Promise<void> | void };
  Notification: NotificationConstructor;
  powerSaveBlocker: PowerSaveBlockerLike;
  /** The clipboard shortcut; without it (tests of other parts) there is none. */
  globalShortcut?: GlobalShortcutLike;
}

/** What desktop integration asks of the application's window handling. */
export interface DesktopShell {
  /** Show the main window (creating it if needed), on `view` (and in the history `entryId`) if given. */
  showWindow(view?: AppView, entryId?: string): void;
  /**
   * Show the window and hand it paths to upload, for the user to pick the account; with
   * `rememberAccount` the pick becomes the default account.
   */
  openFilesInWindow(paths: string[], options?: { rememberAccount?: boolean }): void;
  /** Show or close the drop window (the `dropWindow` setting). */
  setDropWindow(shown: boolean): void;
  isWindowFocused(): boolean;
  setProgressBar(state: ProgressBarState): void;
  setDockBadge(text: string): void;
  quit(): void;
}

export interface DesktopOptions {
  service: Pick<FerryService, 'dispatch' | 'subscribe' | 'settings' | 'grantPaths' | 'setHostNotice'>;
  electron: DesktopElectron;
  /** The folder holding tray.png and friends (resources/tray); null: no tray icon. */
  iconDir: string | null;
  platform: NodeJS.Platform;
  shell: DesktopShell;
  log?: Pick<Console, 'warn' | 'error'>;
  /** The tooltip, taskbar progress and power blocker follow progress at most this often. */
  renderIntervalMs?: number;
  /** The OS's preferred languages (app.getPreferredSystemLanguages), for the `system` language. */
  preferredLanguages?: () => readonly string[];
}

/**
 * Ferry outside its window: the tray icon and menu, the taskbar/dock progress, the power blocker, the
 * notifications and the links copied when a batch finishes, all fed by the service's events through
 * one BatchTracker; and the clipboard shortcut and drop window, which follow the settings.
 */
export class DesktopIntegration {
  readonly #options: DesktopOptions;
  readonly #log: Pick<Console, 'warn' | 'error'>;
  readonly #tracker = new BatchTracker();
  readonly #power: PowerKeeper;
  readonly #notifier: Notifier;
  readonly #shortcut: ClipboardShortcut | null;
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
      open: (view, entryId) => options.shell.showWindow(view, entryId),
      log: this.#log,
    });
    const { globalShortcut } = options.electron;
    this.#shortcut =
      globalShortcut === undefined
        ? null
        : new ClipboardShortcut({
            globalShortcut,
            onPress: () => void this.uploadClipboard(),
            onStatus: (status) => this.#shortcutStatus(status),
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
    this.#applySettings(service.settings());
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
  async openPaths(
    paths: readonly string[],
    options: { rememberAccount?: boolean } = {},
  ): Promise<'enqueued' | 'window' | 'none'> {
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
    this.#options.shell.openFilesInWindow([...paths], options);
    return 'window';
  }

  /** The shortcut's and the tray's "upload the clipboard". */
  uploadClipboard(): ReturnType<typeof uploadClipboard> {
    return uploadClipboard({
      uploadClipboard: () => this.#call('uploads.clipboard', {}),
      chooseAccount: (paths) => this.#options.shell.openFilesInWindow(paths, { rememberAccount: true }),
      notify: (specs) => this.#notifier.show(specs),
      strings: () => this.#strings(),
      log: this.#log,
    });
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#renderTimer);
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#shortcut?.dispose();
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
            if (text !== null) void this.#writeClipboard(text);
          },
          uploadClipboard: () => void this.uploadClipboard(),
          setDropWindow: (shown) => void this.#setting({ dropWindow: shown }),
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
          void this.#batchFinished(summary);
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
      case 'settings.changed':
        this.#applySettings(event.payload.settings);
        this.#render(); // the tray's language, shortcut hint and drop window check
        break;
      default:
        break;
    }
  }

  /** The links go to the clipboard first, so the notification can say what was copied. */
  async #batchFinished(summary: BatchSummary): Promise<void> {
    const settings = this.#options.service.settings();
    let copied = settings.copyLinksOnUpload ? linksToCopy(summary.entries, settings.linkFormat) : null;
    if (copied !== null) {
      if (!(await this.#writeClipboard(copied.text))) copied = null;
      if (this.#disposed) return;
    }
    this.#notifier.notify(summary, this.#strings(), copied);
  }

  /** Electron's writeText is asynchronous (W3C-style); false when it failed. */
  async #writeClipboard(text: string): Promise<boolean> {
    try {
      await this.#options.electron.clipboard.writeText(text);
      return true;
    } catch (error) {
      this.#log.warn('Could not write to the clipboard', error);
      return false;
    }
  }

  #applySettings(settings: Settings): void {
    const status = this.#shortcut?.apply(settings.clipboardShortcut);
    // The notice follows the language too.
    if (status?.state === 'unavailable') this.#shortcutStatus(status);
    this.#options.shell.setDropWindow(settings.dropWindow);
  }

  #shortcutStatus(status: ShortcutStatus): void {
    const message =
      status.state === 'unavailable' ? this.#strings().shortcut.taken(status.accelerator) : null;
    if (message !== null) this.#log.warn(message);
    this.#options.service.setHostNotice('shortcut-unavailable', message);
  }

  #strings(): MainStrings {
    const preferred = this.#options.preferredLanguages ?? (() => []);
    return mainStrings(this.#options.service.settings().language, preferred);
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
    const settings = this.#options.service.settings();
    try {
      this.#tray?.render({
        recent: this.#recent,
        snapshot,
        clipboardShortcut: this.#shortcut?.status.state === 'registered' ? settings.clipboardShortcut : '',
        dropWindow: settings.dropWindow,
        strings: this.#strings(),
      });
      this.#options.shell.setProgressBar(progressBarState(snapshot));
      this.#options.shell.setDockBadge(dockBadge(snapshot));
    } catch (error) {
      this.#log.error('Could not update the tray or the taskbar', error);
    }
  }

  async #setting(patch: CommandRequest<'settings.update'>): Promise<void> {
    try {
      await this.#call('settings.update', patch);
    } catch (error) {
      this.#log.warn('Could not change a setting from the tray', error);
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
