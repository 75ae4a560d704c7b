import { describe, expect, it } from 'vitest';
import { retryDelayMs, type RetryPolicy } from '../../../main/engine/retry-policy.ts';

const policy: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

describe('retryDelayMs (full jitter)', () => {
  it('draws from [0, base·2^(n-1)] capped at the maximum', () => {
    expect(retryDelayMs(policy, 1, undefined, () => 0.999)).toBe(499);
    expect(retryDelayMs(policy, 3, undefined, () => 0.5)).toBe(1000);
    expect(retryDelayMs(policy, 20, undefined, () => 0.999)).toBe(29_970);
    expect(retryDelayMs(policy, 4, undefined, () => 0)).toBe(0);
  });

  it('waits at least what Retry-After asks', () => {
    expect(retryDelayMs(policy, 1, 7, () => 0.1)).toBe(7000);
    expect(retryDelayMs(policy, 10, 1, () => 0.999)).toBe(29_970);
  });
});
