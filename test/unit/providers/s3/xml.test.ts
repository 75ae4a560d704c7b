import { describe, expect, it } from 'vitest';
import {
  childrenOf,
  childText,
  escapeXmlText,
  parseXml,
  XmlSyntaxError,
} from '../../../../main/providers/s3/xml.ts';

describe('parseXml', () => {
  it('reads elements and text, skipping the prolog, attributes, comments and namespace prefixes', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi --><s3:ListPartsResult xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<Part a="x>y/"><PartNumber>1</PartNumber><ETag>&quot;abc&quot;</ETag></Part><Part><PartNumber>2</PartNumber><Empty/></Part>' +
        '</s3:ListPartsResult>',
    );
    expect(root.name).toBe('ListPartsResult');
    const parts = childrenOf(root, 'Part');
    expect(parts.map((part) => childText(part, 'PartNumber'))).toEqual(['1', '2']);
    expect(childText(parts[0]!, 'ETag')).toBe('"abc"');
    expect(childText(parts[1]!, 'Empty')).toBe('');
    expect(childText(parts[1]!, 'Missing')).toBeUndefined();
  });

  it('decodes named and numeric entities and CDATA', () => {
    const root = parseXml('<K>a&amp;b &lt;&gt; &#233;&#x4E2D; <![CDATA[<raw & text>]]></K>');
    expect(root.text).toBe('a&b <> é中 <raw & text>');
  });

  it('accepts whitespace around the root (S3 pads long Completes with it)', () => {
    expect(parseXml('\n   \n<Error><Code>InternalError</Code></Error>\n').name).toBe('Error');
  });

  it.each([
    ['truncated', '<Error><Code>Internal'],
    ['mismatched tags', '<A><B></A></B>'],
    ['two roots', '<A/><B/>'],
    ['text outside the root', 'oops<A/>'],
    ['an unknown entity', '<A>&nbsp;</A>'],
    ['an unterminated entity', '<A>a & b</A>'],
    ['nothing', '   '],
    ['JSON', '{"Code": "x"}'],
    ['an unterminated attribute', '<A b="c></A>'],
  ])('throws XmlSyntaxError on %s', (_label, source) => {
    expect(() => parseXml(source)).toThrow(XmlSyntaxError);
  });

  it('escapes what it writes so it reads back the same', () => {
    const text = '"etag" & <part>';
    expect(parseXml(`<E>${escapeXmlText(text)}</E>`).text).toBe(text);
  });
});
