import { describe, expect, it } from 'vitest';
import {
  isAllowedHost,
  isAllowedOrigin,
  isSecretMatch,
  presentedKey,
} from '../../../main/local-api/request-guard.ts';

describe('the local API request guard', () => {
  it('accepts only this port on 127.0.0.1 or localhost as the Host', () => {
    expect(isAllowedHost('127.0.0.1:36677', 36677)).toBe(true);
    expect(isAllowedHost('localhost:36677', 36677)).toBe(true);
    for (const host of [
      undefined,
      '',
      '127.0.0.1',
      '127.0.0.1:36678',
      'attacker.example:36677',
      'LOCALHOST.evil:36677',
    ])
      expect(isAllowedHost(host, 36677), String(host)).toBe(false);
  });

  it('lets through no Origin (editors) and no page at all: not loopback pages, other sites, null or look-alikes', () => {
    expect(isAllowedOrigin(undefined)).toBe(true);
    for (const origin of [
      'http://127.0.0.1:5173',
      'http://localhost',
      'https://localhost:8443',
      'http://[::1]:3000',
      'null',
      '',
      'https://evil.example',
      'http://localhost.evil.example',
      'http://127.0.0.1.evil.example',
      'file://',
      'app://obsidian.md',
      'not a url',
    ])
      expect(isAllowedOrigin(origin), origin).toBe(false);
  });

  it('reads the key from x-ferry-key, then Authorization: Bearer, then ?key=', () => {
    const url = new URL('http://127.0.0.1/upload?key=from-query');
    expect(presentedKey({ 'x-ferry-key': 'from-header', authorization: 'Bearer b' }, url)).toBe(
      'from-header',
    );
    expect(presentedKey({ authorization: 'Bearer from-bearer' }, url)).toBe('from-bearer');
    expect(presentedKey({ authorization: 'Basic abc' }, url)).toBe('from-query');
    expect(presentedKey({}, new URL('http://127.0.0.1/upload'))).toBeNull();
  });

  it('matches the exact secret only, and nothing while there is no secret', () => {
    expect(isSecretMatch('s3cret', 's3cret')).toBe(true);
    expect(isSecretMatch('s3creT', 's3cret')).toBe(false);
    expect(isSecretMatch('s3cret ', 's3cret')).toBe(false);
    expect(isSecretMatch(null, 's3cret')).toBe(false);
    expect(isSecretMatch('', '')).toBe(false);
  });
});
