import { describe, expect, it } from 'vitest';
import { BatchTracker } from '../../../main/electron/batch-tracker.ts';
import { entry, task } from './desktop-fakes.ts';

describe('BatchTracker (plain logic behind the tray and notifications)', () => {
  it('announces a batch once, when the last of the files added together finishes', () => {
    const tracker = new BatchTracker();
    const a = task({ size: 100 });
    const b = task({ size: 300 });
    expect(tracker.applyTasks([a, b])).toBeNull();
    expect(tracker.snapshot()).toEqual({ active: 2, paused: 0, fraction: 0 });

    const first = entry();
    tracker.addEntry(first);
    expect(
      tracker.applyTasks([
        { ...a, state: 'done', transferredBytes: 100, historyId: first.id, updatedAt: 2 },
        { ...b, state: 'uploading', transferredBytes: 100, updatedAt: 2 },
      ]),
    ).toBeNull();
    expect(tracker.snapshot()).toEqual({ active: 1, paused: 0, fraction: 0.5 });

    const summary = tracker.applyTasks([
      { ...b, state: 'failed', error: { code: 'network', message: 'Connection reset.' }, updatedAt: 3 },
    ]);
    expect(summary).toEqual({
      uploaded: 1,
      failed: 1,
      cancelled: 0,
      failures: [{ name: b.name, message: 'Connection reset.' }],
      firstEntry: first,
      entries: [first],
    });
    expect(tracker.snapshot()).toEqual({ active: 0, paused: 0, fraction: null });
  });

  it("lists the batch's entries in the order its files were first seen, not the order they finished", () => {
    const tracker = new BatchTracker();
    const [a, b, c] = [task(), task(), task()];
    const [ea, eb] = [entry(), entry()];
    tracker.applyTasks([a, b, c]);
    tracker.addEntry(eb);
    tracker.applyTasks([{ ...b, state: 'done', historyId: eb.id, updatedAt: 2 }]);
    tracker.addEntry(ea);
    tracker.applyTasks([{ ...a, state: 'done', historyId: ea.id, updatedAt: 3 }]);
    const summary = tracker.applyTasks([{ ...c, state: 'failed', updatedAt: 4 }]);
    expect(summary?.entries).toEqual([ea, eb]);
  });

  it('keeps files added while others run in the same batch', () => {
    const tracker = new BatchTracker();
    const a = task();
    const b = task();
    tracker.applyTasks([{ ...a, state: 'uploading' }]);
    tracker.applyTasks([b]);
    expect(tracker.applyTasks([{ ...a, state: 'done', updatedAt: 2 }])).toBeNull();
    expect(tracker.applyTasks([{ ...b, state: 'done', updatedAt: 2 }])).toMatchObject({ uploaded: 2 });
  });

  it('counts a file that was queued and done between two reports, and one that failed on add', () => {
    const tracker = new BatchTracker();
    const summary = tracker.applyTasks([
      task({ state: 'done', transferredBytes: 100 }),
      task({ state: 'failed', size: null, error: { code: 'file-not-found', message: 'Gone.' } }),
    ]);
    expect(summary).toMatchObject({ uploaded: 1, failed: 1, firstEntry: null });
  });

  it('does not count a finished task the engine reports again', () => {
    const tracker = new BatchTracker();
    const failed = task({ state: 'failed', error: { code: 'network', message: 'x' }, updatedAt: 5 });
    expect(tracker.applyTasks([failed])).toMatchObject({ failed: 1 });
    expect(tracker.applyTasks([failed])).toBeNull();
    // Retried, it fails again: a new batch, a new count.
    tracker.applyTasks([{ ...failed, state: 'queued', updatedAt: 6 }]);
    expect(tracker.applyTasks([{ ...failed, updatedAt: 7 }])).toMatchObject({ failed: 1 });
  });

  it('ends a batch when what is left is paused, and takes the paused files into the next one', () => {
    const tracker = new BatchTracker();
    const a = task();
    const b = task();
    tracker.applyTasks([a, b]);
    const summary = tracker.applyTasks([
      { ...a, state: 'done', updatedAt: 2 },
      { ...b, state: 'paused', updatedAt: 2 },
    ]);
    expect(summary).toMatchObject({ uploaded: 1, failed: 0 });
    expect(tracker.snapshot()).toMatchObject({ active: 0, paused: 1 });

    tracker.applyTasks([{ ...b, state: 'queued', updatedAt: 3 }]);
    expect(tracker.snapshot()).toMatchObject({ active: 1, paused: 0 });
    expect(tracker.applyTasks([{ ...b, state: 'done', updatedAt: 4 }])).toMatchObject({ uploaded: 1 });
  });

  it('ignores a view older than the one it knows (the start-up list racing the first events)', () => {
    const tracker = new BatchTracker();
    const a = task({ state: 'uploading', updatedAt: 10 });
    tracker.applyTasks([a]);
    tracker.applyTasks([{ ...a, state: 'paused', updatedAt: 5 }]);
    expect(tracker.snapshot()).toMatchObject({ active: 1, paused: 0 });
  });

  it('leaves failed and cancelled files out of the progress, so it can reach 100%', () => {
    const tracker = new BatchTracker();
    const a = task({ size: 100, state: 'uploading', transferredBytes: 50 });
    const b = task({ size: 900 });
    tracker.applyTasks([a, b]);
    tracker.applyTasks([{ ...b, state: 'cancelled', updatedAt: 2 }]);
    expect(tracker.snapshot().fraction).toBe(0.5);
    // Unknown sizes: no percentage rather than a wrong one.
    const other = new BatchTracker();
    other.applyTasks([task({ size: null })]);
    expect(other.snapshot().fraction).toBeNull();
  });
});
