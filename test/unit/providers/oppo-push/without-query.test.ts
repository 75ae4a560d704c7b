import { describe, expect, it } from 'vitest';
import { withoutQuery } from '../../../../main/providers/oppo-push/oppo-push-provider.ts';

describe('withoutQuery (how a left-over picture is named in an error message)', () => {
  it('drops the query and the fragment of a URL', () => {
    expect(withoutQuery('https://cdn.example.com/p/big.jpg?X-Amz-Signature=abc#x')).toBe(
      'https://cdn.example.com/p/big.jpg',
    );
  });

  it('drops everything after ? or # in text that is no URL, line breaks included', () => {
    expect(withoutQuery('not a url/big.jpg?sig=abc\ndef')).toBe('not a url/big.jpg');
    expect(withoutQuery('not a url/big.jpg#a\r\nsig=abc')).toBe('not a url/big.jpg');
  });
});
