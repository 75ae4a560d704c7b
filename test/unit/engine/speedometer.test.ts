import { describe, expect, it } from 'vitest';
import { Speedometer } from '../../../main/engine/speedometer.ts';

describe('Speedometer', () => {
  it('has no speed until half a second of samples exists', () => {
    const speed = new Speedometer();
    speed.record(0, 1000);
    speed.record(100, 1200);
    expect(speed.bytesPerSecond()).toBeNull();
  });

  it('averages over the window, forgetting older samples', () => {
    const speed = new Speedometer(5000);
    speed.record(0, 0);
    speed.record(1_000_000, 1000); // 1 MB/s for a second
    expect(speed.bytesPerSecond()).toBe(1_000_000);
    for (let t = 2000; t <= 20_000; t += 1000) speed.record(1_000_000 + ((t - 1000) / 1000) * 100_000, t);
    // Only the last ~5 s count now: 100 kB/s.
    expect(speed.bytesPerSecond()).toBeCloseTo(100_000, -3);
  });

  it('keeps its speed right when progress comes every millisecond', () => {
    const speed = new Speedometer(5000);
    for (let t = 0; t <= 12_000; t++) speed.record(t * 2000, t); // 2 MB/s, one sample per ms
    expect(speed.bytesPerSecond()).toBeCloseTo(2_000_000, -3);
    speed.record(12_000 * 2000, 13_000); // then a stall of a second
    expect(speed.bytesPerSecond()!).toBeLessThan(1_700_000);
  });
});
