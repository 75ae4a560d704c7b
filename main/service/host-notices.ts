import { randomUUID } from 'node:crypto';
import type { FerryEvent, Notice } from '../../shared/contract.ts';

/** Notices only a transport can know about: the desktop app's global shortcut that another app holds. */
export type HostNoticeKind = Extract<Notice['kind'], 'shortcut-unavailable'>;

/**
 * The transports' notices, one per kind while its trouble lasts: announced when set (or when the
 * message changes), listed by notices.list until cleared or dismissed.
 */
export class HostNotices {
  readonly #notices = new Map<HostNoticeKind, Notice>();
  readonly #emit: (event: FerryEvent) => void;

  constructor(emit: (event: FerryEvent) => void) {
    this.#emit = emit;
  }

  /** Set (null: clear) the notice of this kind. The same message again announces nothing new. */
  set(kind: HostNoticeKind, message: string | null): void {
    if (message === null) {
      this.#notices.delete(kind);
      return;
    }
    if (this.#notices.get(kind)?.message === message) return;
    const notice: Notice = { id: randomUUID(), kind, message, createdAt: Date.now() };
    this.#notices.set(kind, notice);
    this.#emit({ name: 'notice', payload: notice });
  }

  list(): Notice[] {
    return [...this.#notices.values()];
  }

  /** The user has read it: not listed again until the trouble is set anew. */
  dismiss(id: string): boolean {
    for (const [kind, notice] of this.#notices) {
      if (notice.id !== id) continue;
      this.#notices.delete(kind);
      return true;
    }
    return false;
  }
}
