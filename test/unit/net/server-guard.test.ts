import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientFaultFields, throttledLog } from '../../../main/net/server-guard.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('throttledLog', () => {
  it('writes at most the burst per window, then says how many lines it left out', () => {
    vi.useFakeTimers({ now: 0 });
    const written: Array<Record<string, unknown>> = [];
    const log = throttledLog((_message, fields) => written.push(fields), { burst: 20, windowMs: 60_000 });
    for (let index = 0; index < 1000; index++) log('client connection closed', { index });
    expect(written).toHaveLength(20);
    expect(written.some((fields) => 'linesLeftOut' in fields)).toBe(false);

    vi.setSystemTime(60_000);
    log('client connection closed', { index: 1000 });
    expect(written).toHaveLength(21);
    expect(written[20]).toEqual({ index: 1000, linesLeftOut: 980 });
    log('client connection closed', { index: 1001 });
    expect(written[21]).toEqual({ index: 1001 });
  });
});

describe('clientFaultFields', () => {
  it('keeps the code and a bounded message, never the bytes the client sent', () => {
    const parseError = Object.assign(new Error('Parse Error: Invalid method encountered'), {
      code: 'HPE_INVALID_METHOD',
      rawPacket: Buffer.from('GET /ws?token=secret-token HTTP/1.1'),
    });
    const fields = clientFaultFields('web shell', parseError);
    expect(fields).toEqual({
      where: 'web shell',
      code: 'HPE_INVALID_METHOD',
      reason: 'Parse Error: Invalid method encountered',
    });
    expect(JSON.stringify(clientFaultFields('x', new Error('y'.repeat(5000)))).length).toBeLessThan(300);
  });
});
