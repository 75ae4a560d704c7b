import { describe, expect, it } from 'vitest';
import { webClientMessageSchema, webServerMessageSchema } from '../../../shared/web-protocol.ts';

describe('web shell wire format', () => {
  it('parses each kind of server message', () => {
    expect(webServerMessageSchema.parse({ type: 'result', id: 1, ok: true, response: [1] })).toMatchObject({
      ok: true,
    });
    expect(
      webServerMessageSchema.parse({
        type: 'result',
        id: 2,
        ok: false,
        error: { code: 'internal', message: 'x' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(webServerMessageSchema.parse({ type: 'event', name: 'tasks.changed', payload: {} })).toMatchObject(
      {
        type: 'event',
      },
    );
  });

  it('refuses a failed result without an error view, and unknown types', () => {
    expect(webServerMessageSchema.safeParse({ type: 'result', id: 2, ok: false }).success).toBe(false);
    expect(
      webServerMessageSchema.safeParse({
        type: 'result',
        id: 2,
        ok: false,
        error: { code: 'nope', message: '' },
      }).success,
    ).toBe(false);
    expect(webServerMessageSchema.safeParse({ type: 'push', id: 3 }).success).toBe(false);
  });

  it('refuses client messages with extra keys or a wrong type', () => {
    expect(webClientMessageSchema.safeParse({ type: 'command', id: 1, name: 'x', request: {} }).success).toBe(
      true,
    );
    expect(
      webClientMessageSchema.safeParse({ type: 'command', id: 1, name: 'x', request: {}, more: 1 }).success,
    ).toBe(false);
    expect(webClientMessageSchema.safeParse({ type: 'event', id: 1, name: 'x' }).success).toBe(false);
  });
});
