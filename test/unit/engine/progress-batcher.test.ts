import { describe, expect, it } from 'vitest';
import { ProgressBatcher } from '../../../main/engine/progress-batcher.ts';

describe('ProgressBatcher', () => {
  it('merges marks from many tasks into at most one flush per interval', async () => {
    const flushes: Array<{ at: number; ids: string[] }> = [];
    const batcher = new ProgressBatcher((ids) => flushes.push({ at: Date.now(), ids }), 50);
    const start = Date.now();
    // 300 ms of marks from 20 tasks, every millisecond or so.
    while (Date.now() - start < 300) {
      for (let i = 0; i < 20; i++) batcher.mark(`t${i}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    batcher.close();
    // 300 ms / 50 ms → about 6 flushes (+1 for close), never hundreds.
    expect(flushes.length).toBeGreaterThanOrEqual(3);
    expect(flushes.length).toBeLessThanOrEqual(9);
    for (let i = 1; i < flushes.length - 1; i++) {
      expect(flushes[i]!.at - flushes[i - 1]!.at).toBeGreaterThanOrEqual(45);
    }
    // Each flush names each changed task once.
    for (const flush of flushes) expect(new Set(flush.ids).size).toBe(flush.ids.length);
    expect(flushes[0]!.ids).toHaveLength(20);
  });

  it('flushes nothing when nothing changed', () => {
    const flushes: string[][] = [];
    const batcher = new ProgressBatcher((ids) => flushes.push(ids), 50);
    batcher.flushNow();
    batcher.close();
    expect(flushes).toEqual([]);
  });
});
