/** The parts of Electron's `globalShortcut` used here; the real module satisfies it, a test passes a fake. */
export interface GlobalShortcutLike {
  /** False (or a throw, for a string Electron cannot parse) when the shortcut could not be had. */
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
  isRegistered(accelerator: string): boolean;
}

export type ShortcutStatus =
  | { state: 'off' }
  | { state: 'registered'; accelerator: string }
  /** Another app (or the desktop) holds it, or the OS refused it. */
  | { state: 'unavailable'; accelerator: string };

export interface ClipboardShortcutOptions {
  globalShortcut: GlobalShortcutLike;
  onPress(): void;
  /** Called whenever the status changes, so a failure is shown rather than ignored. */
  onStatus(status: ShortcutStatus): void;
  log?: Pick<Console, 'warn'>;
}

/**
 * The global "upload the clipboard" shortcut: registered from the setting, registered again when the
 * setting changes (the old one released first), and a registration the OS refuses reported through
 * `onStatus`. Electron's `register` answers false when another app holds the shortcut; `isRegistered`
 * is asked as well, for the platforms where it fails without saying so.
 */
export class ClipboardShortcut {
  readonly #options: ClipboardShortcutOptions;
  #status: ShortcutStatus = { state: 'off' };

  constructor(options: ClipboardShortcutOptions) {
    this.#options = options;
  }

  get status(): ShortcutStatus {
    return this.#status;
  }

  /** Take `accelerator` ('' = none) as the shortcut; the same one again changes nothing. */
  apply(accelerator: string): ShortcutStatus {
    const current = this.#status;
    if (current.state !== 'off' && current.accelerator === accelerator) return current;
    if (current.state === 'off' && accelerator === '') return current;
    this.#release();
    this.#set(accelerator === '' ? { state: 'off' } : this.#register(accelerator));
    return this.#status;
  }

  /** Release the shortcut (quitting): another app may have it. */
  dispose(): void {
    this.#release();
    this.#status = { state: 'off' };
  }

  #register(accelerator: string): ShortcutStatus {
    const { globalShortcut, onPress, log = console } = this.#options;
    let registered: boolean;
    try {
      registered = globalShortcut.register(accelerator, () => onPress());
      registered &&= globalShortcut.isRegistered(accelerator);
    } catch (error) {
      log.warn(`Electron refused the shortcut ${accelerator}`, error);
      registered = false;
    }
    return registered ? { state: 'registered', accelerator } : { state: 'unavailable', accelerator };
  }

  #release(): void {
    const current = this.#status;
    if (current.state !== 'registered') return;
    try {
      this.#options.globalShortcut.unregister(current.accelerator);
    } catch (error) {
      (this.#options.log ?? console).warn(`Could not release the shortcut ${current.accelerator}`, error);
    }
  }

  #set(status: ShortcutStatus): void {
    this.#status = status;
    this.#options.onStatus(status);
  }
}
