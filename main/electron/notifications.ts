import { primaryLink } from '../../shared/copy-formats/basic.ts';
import { escapeHidden } from '../../shared/hidden-characters.ts';
import type { Settings } from '../../shared/settings.ts';
import type { BatchSummary } from './batch-tracker.ts';
import type { AppView } from './renderer-mailbox.ts';
import { en } from './strings/en.ts';
import type { MainStrings } from './strings/main-strings.ts';

/** One notification to show, and what its click opens: a view, and in the history the entry. */
export interface NotificationSpec {
  title: string;
  body: string;
  view: AppView;
  entryId?: string;
}

/** The links of a finished batch that went to the clipboard (copy-links.ts). */
export interface CopiedLinks {
  /** One line per link, in input order. */
  text: string;
  count: number;
}

function firstLink(summary: BatchSummary): string | null {
  return summary.firstEntry === null ? null : (primaryLink(summary.firstEntry)?.url ?? null);
}

/** What was copied, as a notification can show it: the first line, and how many more. */
function copiedBody(copied: CopiedLinks, strings: MainStrings): string {
  const [first = ''] = copied.text.split('\n', 1);
  // A Markdown or HTML line carries the file's name: shown escaped, like the name in the title.
  const line = escapeHidden(first);
  return copied.count > 1 ? `${line} ${strings.notifications.moreLines(copied.count - 1)}` : line;
}

/**
 * What a finished batch announces: one notification for the batch (how many, how many failed, and what
 * was copied or else the first link; its click opens that entry in the history) and one more naming
 * the failures (its click opens the queue, where they can be retried). A batch that was only
 * cancelled says nothing.
 */
export function batchNotifications(
  summary: BatchSummary,
  strings: MainStrings = en,
  copied: CopiedLinks | null = null,
): NotificationSpec[] {
  const text = strings.notifications;
  const specs: NotificationSpec[] = [];
  if (summary.uploaded > 0) {
    const single = summary.uploaded === 1 && summary.failed === 0 && summary.firstEntry !== null;
    const name = escapeHidden(summary.firstEntry?.name ?? '');
    const title =
      copied === null
        ? single
          ? text.uploadedOne(name)
          : text.uploadedMany(summary.uploaded, summary.failed)
        : single
          ? text.copiedOne(name)
          : text.copiedMany(copied.count, summary.failed);
    const body = copied === null ? (firstLink(summary) ?? text.openHistory) : copiedBody(copied, strings);
    const entryId = summary.firstEntry?.id;
    specs.push({ title, body, view: 'history', ...(entryId === undefined ? {} : { entryId }) });
  }
  const [first] = summary.failures;
  if (first !== undefined) {
    const count = summary.failures.length;
    // The OS draws the name: a direction override must not disguise it there either.
    const name = escapeHidden(first.name);
    const title = count === 1 ? text.failedOne(name) : text.failedMany(count);
    const body = count === 1 ? first.message : `${name}: ${first.message} ${text.andMore(count - 1)}`;
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
  /** Show the window on this view (and entry). */
  open(view: AppView, entryId?: string): void;
  log?: Pick<Console, 'warn'>;
}

/** Shows notifications within the user's settings, and opens what each one's click names. */
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

  /** A finished batch's notifications; returns how many were shown (0 when settings or the focus say be quiet). */
  notify(summary: BatchSummary, strings: MainStrings = en, copied: CopiedLinks | null = null): number {
    return this.show(batchNotifications(summary, strings, copied));
  }

  /** Show these, within the settings; returns how many were shown. */
  show(specs: readonly NotificationSpec[]): number {
    const { Notification, log = console } = this.#options;
    if (specs.length === 0) return 0;
    if (!mayNotify(this.#options.settings(), this.#options.isWindowFocused())) return 0;
    if (!Notification.isSupported()) return 0;
    let shown = 0;
    for (const spec of specs) {
      try {
        const notification = new Notification({ title: spec.title, body: spec.body });
        this.#shown.add(notification);
        notification.on('click', () => {
          this.#shown.delete(notification);
          this.#options.open(spec.view, spec.entryId);
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
