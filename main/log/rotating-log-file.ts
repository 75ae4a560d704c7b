import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RotatingLogFileOptions {
  dir: string;
  /** Files are named <base>.<n><extension>: ferry.1.log, ferry.2.log, … */
  base: string;
  extension: string;
  /** A line that would take the current file past this size opens the next file first. */
  maxFileBytes: number;
  /** Files kept, the current one included; older ones (an earlier run's too) are removed. */
  maxFiles: number;
  /** Of files this creates. */
  mode: number;
  /** A write, open or removal that failed; the line is lost, the next one is tried again. */
  onError(error: Error): void;
}

/**
 * Numbered log files written synchronously: the newest existing file is continued, and a line that
 * would take it past its size opens the next one before it is written. Because rotation happens in
 * the write itself, a burst of lines within one event-loop turn is rotated like any other (nothing
 * is dropped, no file overshoots), and a line written just before a crash is on disk. This is what
 * pino-roll did for Ferry without its date handling, which alone cost a short CLI command a third of
 * its start (about 300 modules of date-fns).
 */
export class RotatingLogFile {
  readonly #options: RotatingLogFileOptions;
  readonly #pattern: RegExp;
  #number: number;
  #fd: number | null = null;
  #size = 0;

  constructor(options: RotatingLogFileOptions) {
    this.#options = options;
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.#pattern = new RegExp(`^${escape(options.base)}\\.(\\d+)${escape(options.extension)}$`);
    mkdirSync(options.dir, { recursive: true });
    this.#number = Math.max(1, ...this.#existing());
    this.#open();
    this.#removeOld();
  }

  /** The file being written. */
  get path(): string {
    return this.#pathOf(this.#number);
  }

  write(line: string): void {
    const bytes = Buffer.from(line);
    if (this.#fd !== null && this.#size > 0 && this.#size + bytes.length > this.#options.maxFileBytes) {
      this.#close();
      this.#number++;
      this.#open();
      this.#removeOld();
    }
    if (this.#fd === null) this.#open();
    if (this.#fd === null) return;
    try {
      writeSync(this.#fd, bytes);
      this.#size += bytes.length;
    } catch (error) {
      this.#options.onError(error as Error);
    }
  }

  close(): void {
    this.#close();
  }

  #pathOf(number: number): string {
    return join(this.#options.dir, `${this.#options.base}.${number}${this.#options.extension}`);
  }

  #existing(): number[] {
    try {
      return readdirSync(this.#options.dir).flatMap((name) => {
        const match = this.#pattern.exec(name);
        return match ? [Number(match[1])] : [];
      });
    } catch (error) {
      this.#options.onError(error as Error);
      return [];
    }
  }

  #open(): void {
    try {
      this.#fd = openSync(this.path, 'a', this.#options.mode);
      this.#size = fstatSync(this.#fd).size;
    } catch (error) {
      this.#fd = null;
      this.#options.onError(error as Error);
    }
  }

  #close(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    try {
      closeSync(fd);
    } catch (error) {
      this.#options.onError(error as Error);
    }
  }

  #removeOld(): void {
    const oldestKept = this.#number - this.#options.maxFiles + 1;
    for (const number of this.#existing()) {
      if (number >= oldestKept) continue;
      try {
        rmSync(this.#pathOf(number), { force: true });
      } catch (error) {
        this.#options.onError(error as Error);
      }
    }
  }
}
