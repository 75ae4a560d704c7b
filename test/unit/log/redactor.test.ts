import { describe, expect, it } from 'vitest';
import { isSecretKey, SecretRedactor } from '../../../main/log/redactor.ts';

describe('SecretRedactor', () => {
  it('replaces a registered value in its raw, JSON-escaped and URL-encoded spellings', () => {
    const redactor = new SecretRedactor();
    const secret = 'ab"c/d+e f*g=\\h';
    redactor.register(secret);
    const lines = [
      `raw ${secret} end`,
      JSON.stringify({ message: `said ${secret}` }),
      `?usersig_x=${encodeURIComponent(secret)}&a=1`,
      `q=${new URLSearchParams({ v: secret }).toString().slice(2)}`,
    ];
    for (const line of lines) {
      const redacted = redactor.redactText(line);
      expect(redacted).toContain('[redacted]');
      expect(redacted).not.toContain(secret);
      expect(redacted).not.toContain(encodeURIComponent(secret));
    }
    expect(redactor.redactText(lines[0]!)).toBe('raw [redacted] end');
  });

  it('replaces a longer secret whole even when it contains a shorter one', () => {
    const redactor = new SecretRedactor();
    redactor.register('abcd');
    redactor.register('xxabcdyy');
    expect(redactor.redactText('1 xxabcdyy 2 abcd')).toBe('1 [redacted] 2 [redacted]');
  });

  it('redacts secret-looking parameters, JSON members and headers it was never told about', () => {
    const redactor = new SecretRedactor();
    expect(redactor.redactText('POST /v4/openpic/pic_up?sdkappid=1&usersig=eJyrVk&contenttype=json')).toBe(
      'POST /v4/openpic/pic_up?sdkappid=1&usersig=[redacted]&contenttype=json',
    );
    expect(redactor.redactText('{"access_token":"tok\\"en","ok":1,"password":123}')).toBe(
      '{"access_token":"[redacted]","ok":1,"password":"[redacted]"}',
    );
    expect(redactor.redactText('Authorization: Bearer abc.def')).toBe('Authorization: [redacted]');
    // A truncated echo (the end of the secret cut off) is still covered by the parameter rule.
    expect(redactor.redactText('...&usersig=eJyrVkpNUSz')).toBe('...&usersig=[redacted]');
  });

  it('ignores values too short to replace safely', () => {
    const redactor = new SecretRedactor();
    redactor.register('ab');
    expect(redactor.redactText('abcab')).toBe('abcab');
    expect(redactor.size).toBe(0);
  });

  it('redacts objects by key at any depth and keeps the account view’s booleans', () => {
    const redactor = new SecretRedactor();
    redactor.register('sig-value-1');
    const cause = new Error('inner sig-value-1');
    const error = Object.assign(new Error('outer', { cause }), { code: 'EFAIL' });
    const value = redactor.redactValue({
      secrets: { userSig: 'sig-value-1' },
      secretsSet: { userSig: true },
      nested: { headers: { Authorization: 'Basic xyz' }, clientSecret: 'cs', list: ['sig-value-1'] },
      err: error,
    }) as Record<string, unknown>;
    expect(value).toMatchObject({
      secrets: '[redacted]',
      secretsSet: { userSig: true },
      nested: { headers: { Authorization: '[redacted]' }, clientSecret: '[redacted]', list: ['[redacted]'] },
      err: { type: 'Error', message: 'outer', code: 'EFAIL', cause: { message: 'inner [redacted]' } },
    });
    expect(JSON.stringify(value)).not.toContain('sig-value-1');
  });

  it.each([
    ['userSig', true],
    ['user_sig', true],
    ['accessToken', true],
    ['secretAccessKey', true],
    ['accessKeyId', false],
    ['shareSecret', true],
    ['Authorization', true],
    ['secretsSet', false],
    ['needsReentry', false],
    ['name', false],
  ])('isSecretKey(%s) is %s', (key, expected) => {
    expect(isSecretKey(key)).toBe(expected);
  });
});
