import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressView } from '../../../main/cli/progress-view.ts';
import type { TaskView } from '../../../shared/models.ts';

function task(id: string, transferredBytes: number): TaskView {
  return {
    id,
    accountId: 'a',
    path: `/f/${id}`,
    name: id,
    size: 1000,
    state: 'uploading',
    transferredBytes,
    bytesPerSecond: 100,
    etaSeconds: 1,
    error: null,
    historyId: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

describe('ProgressView', () => {
  let writes: string[];
  const out = { write: (text: string) => writes.push(text), columns: 100, rows: 10 };

  beforeEach(() => {
    vi.useFakeTimers();
    writes = [];
  });
  afterEach(() => vi.useRealTimers());

  it('redraws the live block in place, at most 10 times a second', () => {
    const view = new ProgressView(out);
    for (let i = 0; i < 50; i++) {
      view.update([task('a', i), task('b', i)]);
      vi.advanceTimersByTime(20); // 50 updates over one second
    }
    expect(writes.length).toBeGreaterThanOrEqual(9);
    expect(writes.length).toBeLessThanOrEqual(11);
    expect(writes[0]).not.toContain('\x1b[');
    expect(writes[0]!.split('\n')).toHaveLength(3); // two bars, then the cursor below them
    // Every later frame goes back up over the two bars and clears them first.
    for (const frame of writes.slice(1)) expect(frame.startsWith('\r\x1b[2A\x1b[J')).toBe(true);
  });

  it('prints finished files above the block, and leaves nothing live behind on close', () => {
    const view = new ProgressView(out);
    view.update([task('a', 10), task('b', 10)]);
    vi.advanceTimersByTime(200);
    view.print('done      a  http://x');
    view.update([task('b', 500)]);
    vi.advanceTimersByTime(200);
    const frame = writes.at(-1)!;
    expect(frame.startsWith('\r\x1b[2A\x1b[Jdone      a  http://x\nb ')).toBe(true);
    view.close();
    expect(writes.at(-1)).toBe('\r\x1b[1A\x1b[J');
    view.update([task('b', 600)]);
    vi.advanceTimersByTime(200);
    expect(writes.at(-1)).toBe('\r\x1b[1A\x1b[J'); // closed: no more drawing
  });

  it('keeps the block within the screen height', () => {
    const view = new ProgressView(out);
    view.update(Array.from({ length: 30 }, (_, i) => task(`f${i}`, 0)));
    vi.advanceTimersByTime(200);
    const lines = writes[0]!.split('\n').filter(Boolean);
    expect(lines).toHaveLength(8);
    expect(lines.at(-1)).toBe('… and 23 more');
  });
});
