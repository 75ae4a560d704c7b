import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../main/engine/token-bucket.ts';

describe('TokenBucket', () => {
  it('lets a burst through at once, then paces requests at the rate', async () => {
    const bucket = new TokenBucket(20, 5);
    const start = performance.now();
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      await bucket.take();
      times.push(performance.now() - start);
    }
    // The first 5 are the burst; the other 10 need 10 / 20 per second = 0.5 s of refill at least.
    expect(times[4]!).toBeLessThan(50);
    expect(times[14]!).toBeGreaterThanOrEqual(450);
  });

  it('never exceeds rate × window + burst in any window (fake clock)', async () => {
    let now = 0;
    const bucket = new TokenBucket(100, 10, () => now);
    let granted = 0;
    for (let i = 0; i < 10; i++) {
      await bucket.take();
      granted++;
    }
    const late = bucket.take().then(() => granted++);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(granted).toBe(10); // clock stood still: no refill, the 11th waits
    now += 10; // 10 ms at 100/s = one token
    await late;
    expect(granted).toBe(11);
  });

  it('serves waiters in order and lets an aborted waiter leave without blocking the rest', async () => {
    const bucket = new TokenBucket(50, 1);
    await bucket.take();
    const order: string[] = [];
    const controller = new AbortController();
    const a = bucket.take(controller.signal).then(
      () => order.push('a'),
      () => order.push('a-aborted'),
    );
    const b = bucket.take().then(() => order.push('b'));
    const c = bucket.take().then(() => order.push('c'));
    controller.abort();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a-aborted', 'b', 'c']);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
  });
});
