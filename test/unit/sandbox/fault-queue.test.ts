import { describe, expect, it } from 'vitest';
import { FaultQueue } from '../../../main/sandbox/fault-queue.ts';

type Fault = { kind: 'reset' } | { kind: 'http-status'; status: number } | { kind: 'stall'; ms: number };

describe('FaultQueue', () => {
  it('hands faults out first in first out, each to one request, after letting afterRequests through', () => {
    const queue = new FaultQueue<Fault>();
    queue.push({ kind: 'reset' }, 2);
    queue.push({ kind: 'http-status', status: 503 });
    expect([queue.next(), queue.next(), queue.next(), queue.next(), queue.next()]).toEqual([
      undefined,
      undefined,
      { kind: 'reset' },
      { kind: 'http-status', status: 503 },
      undefined,
    ]);
  });

  it('clears what no request consumed and says how much that was', () => {
    const queue = new FaultQueue<Fault>();
    queue.push({ kind: 'reset' });
    queue.push({ kind: 'stall', ms: 10 });
    expect(queue.clear()).toBe(2);
    expect(queue.next()).toBeUndefined();
  });

  it('refuses faults that could not be served', () => {
    const queue = new FaultQueue<Fault>();
    expect(() => queue.push({ kind: 'http-status', status: 99 })).toThrow(RangeError);
    expect(() => queue.push({ kind: 'http-status', status: 200.5 })).toThrow(RangeError);
    expect(() => queue.push({ kind: 'stall', ms: -1 })).toThrow(RangeError);
    expect(() => queue.push({ kind: 'reset' }, -1)).toThrow(RangeError);
    expect(() => queue.push({ kind: 'reset' }, 1.5)).toThrow(RangeError);
    expect(queue.clear()).toBe(0);
  });
});
