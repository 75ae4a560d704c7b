import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { noticeSchema, type Notice } from '../../shared/contract.ts';
import { makePrivate } from './private-files.ts';

const noticesSchema = z.array(noticeSchema);

/**
 * Notices the user has not read yet, kept in a small JSON file beside the database rather than in it:
 * a notice about a damaged database must survive the next damage, and must not come back with a
 * backup restored later (the backup holds the database as it was, undismissed notices included).
 */
export class NoticeFile {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  /** The unread notices, oldest first; an unreadable file counts as none (a notice is not worth a failed start). */
  list(): Notice[] {
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = noticesSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  add(notice: Notice): void {
    this.#write([...this.list(), notice]);
  }

  /** True when the notice was there: it is gone for good. */
  dismiss(id: string): boolean {
    const notices = this.list();
    const kept = notices.filter((notice) => notice.id !== id);
    if (kept.length === notices.length) return false;
    this.#write(kept);
    return true;
  }

  /** Whole or not at all: a crash mid-write leaves the previous file. */
  #write(notices: Notice[]): void {
    const partial = `${this.#file}.partial`;
    try {
      // The messages name the user's folders: private like the database (0600, whatever the umask).
      writeFileSync(partial, `${JSON.stringify(notices, null, 2)}\n`, { mode: 0o600 });
      makePrivate(partial);
      renameSync(partial, this.#file);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
  }
}
