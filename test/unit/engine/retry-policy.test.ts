import { describe, expect, it } from 'vitest';
import { finalError, retryDelayMs, type RetryPolicy } from '../../../main/engine/retry-policy.ts';
import { UploadError } from '../../../main/net/upload-error.ts';

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

describe('finalError', () => {
  it('keeps the reason and its provider facts, and says Ferry stopped, after how many tries, and what to do', () => {
    const view = {
      code: 'http-status' as const,
      message: 'The server answered HTTP 503',
      providerCode: 'X1',
    };
    const final = finalError(new UploadError(view, { retryable: true }), 6);
    expect(final.retryable).toBe(false);
    expect(final.view).toEqual({
      ...view,
      message:
        'The server answered HTTP 503. Ferry stopped after 6 tries; check the network connection and the server, then retry.',
    });
    expect(finalError(UploadError.of('network', 'No progress for 30 s.', true), 1).view.message).toBe(
      'No progress for 30 s. Ferry stopped after 1 try; check the network connection and the server, then retry.',
    );
  });
});
