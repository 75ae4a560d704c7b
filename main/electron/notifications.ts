import { primaryLink } from '../../shared/copy-formats/basic.ts';
import { escapeHidden } from '../../shared/hidden-characters.ts';
import type { Settings } from '../../shared/settings.ts';
import type { BatchSummary } from './batch-tracker.ts';
import type { AppView } from './renderer-mailbox.ts';

/** One notification to show, and the view its click opens. */
export interface NotificationSpec {
  title: string;
  body: string;
  view: AppView;
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

function firstLink(summary: BatchSummary): string | null {
  return summary.firstEntry === null ? null : (primaryLink(summary.firstEntry)?.url ?? null);
}

/**
 * What a finished batch announces: one notification for the batch (how many, how many failed, the
 * first link; its click opens the history) and one more naming the failures (its click opens the
 * queue, where they can be retried). A batch that was only cancelled says nothing.
 */
export function batchNotifications(summary: BatchSummary): NotificationSpec[] {
  const specs: NotificationSpec[] = [];
  if (summary.uploaded > 0) {
    const failed = summary.failed > 0 ? `, ${summary.failed} failed` : '';
    const title =
      summary.uploaded === 1 && summary.failed === 0 && summary.firstEntry !== null
        ? `Uploaded ${escapeHidden(summary.firstEntry.name)}`
        : `${plural(summary.uploaded, 'file', 'files')} uploaded${failed}`;
    specs.push({ title, body: firstLink(summary) ?? 'Open the history to copy the links.', view: 'history' });
  }
  const [first] = summary.failures;
  if (first !== undefined) {
    // The OS draws the name: a direction override must not disguise it there either.
    const name = escapeHidden(first.name);
    const title =
      summary.failures.length === 1
        ? `Upload failed: ${name}`
        : `${plural(summary.failures.length, 'upload', 'uploads')} failed`;
    const more = summary.failures.length > 1 ? ` (and ${summary.failures.length - 1} more)` : '';
    const body = summary.failures.length === 1 ? first.message : `${name}: ${first.message}${more}`;
    specs.push({ title, body, view: 'queue' });
  }
  return specs;
}

/** Notifications are on, and the window is not the one the user is looking at (unless asked for). */
export function mayNotify(
  settings: Pick<Settings, 'notifications' | 'notifyWhenFocused'>,
  windowFocused: boolean,
): boolean {
  if (!settings.notifications) return false;
  return !windowFocused || settings.notifyWhenFocused;
}

/** The parts of Electron's `Notification` used here; the real class satisfies it, a test passes a fake. */
export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}

export interface NotificationConstructor {
  new (options: { title: string; body: string }): NotificationLike;
  isSupported(): boolean;
}

export interface NotifierOptions {
  Notification: NotificationConstructor;
  settings(): Pick<Settings, 'notifications' | 'notifyWhenFocused'>;
  isWindowFocused(): boolean;
  open(view: AppView): void;
  log?: Pick<Console, 'warn'>;
}

/** Shows a finished batch's notifications, within the user's settings. */
export class Notifier {
  readonly #options: NotifierOptions;
  /**
   * Shown notifications, held until closed: Electron drops the click handler of a notification that
   * JavaScript no longer references, so a click would do nothing.
   */
  readonly #shown = new Set<NotificationLike>();

  constructor(options: NotifierOptions) {
    this.#options = options;
  }

  /** Returns how many notifications were shown (0 when settings or the focus say be quiet). */
  notify(summary: BatchSummary): number {
    const { Notification, log = console } = this.#options;
    if (!mayNotify(this.#options.settings(), this.#options.isWindowFocused())) return 0;
    if (!Notification.isSupported()) return 0;
    let shown = 0;
    for (const spec of batchNotifications(summary)) {
      try {
        const notification = new Notification({ title: spec.title, body: spec.body });
        this.#shown.add(notification);
        notification.on('click', () => {
          this.#shown.delete(notification);
          this.#options.open(spec.view);
        });
        notification.on('close', () => this.#shown.delete(notification));
        notification.show();
        shown++;
      } catch (error) {
        log.warn('Could not show a notification', error);
      }
    }
    return shown;
  }

  /** How many notifications are held for their click (for tests). */
  get held(): number {
    return this.#shown.size;
  }
}
