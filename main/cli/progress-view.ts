import type { TaskView } from '../../shared/models.ts';
import { fit, progressLine } from './format.ts';

export interface TerminalOutput {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
}

/**
 * The TTY progress display: finished files become permanent lines that scroll up, and below them a
 * live block of one bar per unfinished file, redrawn in place with ANSI cursor movement at most once
 * per `intervalMs` (10×/s), however often progress arrives.
 */
export class ProgressView {
  readonly #out: TerminalOutput;
  readonly #intervalMs: number;
  #tasks: TaskView[] = [];
  readonly #permanent: string[] = [];
  #drawnLines = 0;
  #lastDraw = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(out: TerminalOutput, intervalMs = 100) {
    this.#out = out;
    this.#intervalMs = intervalMs;
  }

  /** The unfinished tasks as they are now. */
  update(tasks: TaskView[]): void {
    this.#tasks = tasks;
    this.#schedule();
  }

  /** A line that stays (a finished file); shown at the next redraw, above the live block. */
  print(line: string): void {
    this.#permanent.push(line);
    this.#schedule();
  }

  /** Draw what is pending and leave the live block behind for good. */
  close(): void {
    if (this.#closed) return;
    this.#tasks = [];
    this.#draw();
    this.#closed = true;
  }

  #schedule(): void {
    if (this.#closed || this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastDraw + this.#intervalMs - Date.now());
    this.#timer = setTimeout(() => this.#draw(), wait);
  }

  #draw(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed) return;
    this.#lastDraw = Date.now();
    const width = Math.max(20, (this.#out.columns || 80) - 1);
    // 0 means unknown (a pty without a size). Keep the block inside the screen: cursor-up cannot reach lines that scrolled off the top.
    const room = Math.max(1, (this.#out.rows || 24) - 2);
    let lines = this.#tasks.map((task) => progressLine(task, width));
    if (lines.length > room) {
      const hidden = lines.length - (room - 1);
      lines = [...lines.slice(0, room - 1), fit(`… and ${hidden} more`, width)];
    }
    let text = this.#drawnLines > 0 ? `\r\x1b[${this.#drawnLines}A\x1b[J` : '';
    for (const line of this.#permanent.splice(0)) text += `${line}\n`;
    for (const line of lines) text += `${line}\n`;
    this.#drawnLines = lines.length;
    if (text !== '') this.#out.write(text);
  }
}
