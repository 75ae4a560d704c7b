import type { EventPayload, FerryEvent } from '../../shared/contract.ts';

const maxPathsPerEvent = 10_000;

/** The views main can ask the window to show (the `app.navigate` event). */
export type AppView = EventPayload<'app.navigate'>['view'];

/**
 * Main's own messages to the window (`app.navigate`, `app.openFiles`), held until the renderer
 * listens. A window that was just created has not subscribed yet and an event sent now would be lost;
 * the renderer subscribes before its first command (renderer/state/app-actions.ts), so the first
 * command from the window is the signal that it listens. The service's events need none of this: the
 * renderer catches up on them from the lists it loads at start.
 */
export class RendererMailbox {
  readonly #deliver: (event: FerryEvent) => void;
  #listening = false;
  #pendingView: { view: AppView; entryId?: string } | null = null;
  #pendingPaths: string[] = [];
  /** Some of the pending paths came from the clipboard or drop window: the account picked becomes the default. */
  #rememberAccount = false;

  constructor(deliver: (event: FerryEvent) => void) {
    this.#deliver = deliver;
  }

  /** A new window was created: it listens only after its first command. */
  windowCreated(): void {
    this.#listening = false;
  }

  /** The window sent a command, so it has subscribed: deliver what waited. */
  windowListening(): void {
    if (this.#listening) return;
    this.#listening = true;
    this.#flush();
  }

  navigate(view: AppView, entryId?: string): void {
    // Only the latest view matters: two clicks before the window loaded end on the second.
    this.#pendingView = entryId === undefined ? { view } : { view, entryId };
    if (this.#listening) this.#flush();
  }

  openFiles(paths: readonly string[], options: { rememberAccount?: boolean } = {}): void {
    if (paths.length === 0) return;
    this.#pendingPaths.push(...paths.filter((path) => !this.#pendingPaths.includes(path)));
    this.#rememberAccount ||= options.rememberAccount === true;
    if (this.#listening) this.#flush();
  }

  /** Paths waiting for a window (for tests and for the report when quitting with some). */
  get pendingPaths(): readonly string[] {
    return this.#pendingPaths;
  }

  #flush(): void {
    // In chunks the event's schema accepts.
    const remember = this.#rememberAccount ? { rememberAccount: true } : {};
    this.#rememberAccount = false;
    while (this.#pendingPaths.length > 0) {
      const paths = this.#pendingPaths.splice(0, maxPathsPerEvent);
      this.#deliver({ name: 'app.openFiles', payload: { paths, ...remember } });
    }
    if (this.#pendingView !== null) {
      const payload = this.#pendingView;
      this.#pendingView = null;
      this.#deliver({ name: 'app.navigate', payload });
    }
  }
}
