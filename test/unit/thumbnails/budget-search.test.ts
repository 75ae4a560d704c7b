import { describe, expect, it } from 'vitest';
import { searchHighestFitting } from '../../../main/thumbnails/budget-search.ts';

/** An encoder whose output is `bytesAt(setting)` long, counting what it was asked for. */
function encoder(bytesAt: (setting: number) => number) {
  const asked: number[] = [];
  const encode = async (setting: number) => {
    asked.push(setting);
    return Buffer.alloc(bytesAt(setting));
  };
  return { asked, encode };
}

describe('searchHighestFitting', () => {
  it('takes the top setting in one encoding when it fits', async () => {
    const { asked, encode } = encoder((q) => q * 10);
    const result = await searchHighestFitting(30, 90, 10_000, encode);
    expect(result.best?.setting).toBe(90);
    expect(asked).toEqual([90]);
  });

  it('finds the highest fitting setting in a logarithmic number of encodings', async () => {
    for (const budget of [300, 301, 555, 899]) {
      const { asked, encode } = encoder((q) => q * 10);
      const result = await searchHighestFitting(30, 90, budget, encode);
      expect(result.best?.setting).toBe(Math.floor(budget / 10));
      expect(result.best!.data.length).toBeLessThanOrEqual(budget);
      expect(asked.length).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(60)));
    }
  });

  it('reports the smallest size reached when even the lowest setting is too big', async () => {
    const { encode } = encoder((q) => 1000 + q);
    const result = await searchHighestFitting(30, 90, 500, encode);
    expect(result.best).toBeUndefined();
    expect(result.smallestBytes).toBe(1030);
  });

  it('never returns an encoding over budget when sizes are not monotonic', async () => {
    // 60 is a spike over budget between fitting neighbours.
    const { encode } = encoder((q) => (q === 60 ? 5000 : q * 10));
    const result = await searchHighestFitting(30, 90, 700, encode);
    expect(result.best!.data.length).toBeLessThanOrEqual(700);
  });
});
