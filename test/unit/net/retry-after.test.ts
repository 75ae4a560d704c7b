import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../main/net/retry-after.ts';

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates, and ignores garbage', () => {
    expect(parseRetryAfter('120')).toBe(120);
    const now = Date.parse('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
