import { describe, expect, it } from 'vitest';
import { describeAnswer } from '../../../main/providers/answer-shape.ts';

describe('describing an answer without quoting it', () => {
  it.each([
    ['', 'an empty body'],
    ['  \n', 'only whitespace, 3 bytes'],
    ['{}', 'an empty JSON object, 2 bytes'],
    ['{"big_picture_id": "x"', 'a body that starts like JSON but does not parse, perhaps cut off, 22 bytes'],
    ['[1,2,3]', 'a JSON array of 3 items, 7 bytes'],
    ['<?xml version="1.0"?>\n<!-- hi --><PostResponse/>', 'XML whose root is <PostResponse>, 48 bytes'],
    ['<!DOCTYPE html><html><body>hi</body></html>', 'an HTML page, 43 bytes'],
    ['<HTML><body>x</body></HTML>', 'an HTML page, 27 bytes'],
    ['<<<', 'a body that starts with "<" but is not XML, 3 bytes'],
    ['OK', 'text that is neither JSON nor XML, 2 bytes'],
    ['密', 'text that is neither JSON nor XML, 3 bytes'],
  ])('%j is %s', (body, said) => {
    expect(describeAnswer(body)).toBe(said);
  });

  it('names at most five plain field names and counts the rest, never the values', () => {
    const body = JSON.stringify({ a: 'v1', b: 'v2', c: 'v3', d: 'v4', e: 'v5', f: 'v6', 'odd key!': 'v7' });
    const said = describeAnswer(body);
    expect(said).toBe(
      `a JSON object with 7 fields ("a", "b", "c", "d", "e", and 2 more), ${Buffer.byteLength(body)} bytes`,
    );
    expect(said).not.toMatch(/v\d/);
  });

  it('says nothing of the content of text, XML or HTML', () => {
    for (const body of [
      'secret-token-123',
      '<Error><Code>secret-token-123</Code></Error>',
      '<html>secret-token-123</html>',
    ]) {
      expect(describeAnswer(body)).not.toContain('secret');
    }
  });
});
