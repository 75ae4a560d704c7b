/**
 * A deliberately small XML reader for S3's answers: elements, text, entities, CDATA, comments and the
 * prolog. Attributes are skipped (S3 carries its facts in elements; the root's xmlns is noise) and
 * namespaces prefixes are dropped. Anything that is not well formed throws XmlSyntaxError, so a
 * truncated or garbled body is never read as a half answer.
 */

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** The concatenated character data directly inside this element, entities decoded. */
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlSyntaxError';
  }
}

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(raw: string, offset: number): string {
  return raw.replace(/&([^;&\s]*);?/g, (match, entity: string) => {
    if (!match.endsWith(';')) throw new XmlSyntaxError('an unterminated entity', offset);
    const named = namedEntities[entity];
    if (named !== undefined) return named;
    const numeric = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(entity);
    if (numeric) {
      const code = numeric[1]!.startsWith('x')
        ? Number.parseInt(numeric[1]!.slice(1), 16)
        : Number.parseInt(numeric[1]!, 10);
      if (code > 0x10ffff) throw new XmlSyntaxError(`an impossible character &${entity};`, offset);
      return String.fromCodePoint(code);
    }
    throw new XmlSyntaxError(`an unknown entity &${entity};`, offset);
  });
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon === -1 ? qualified : qualified.slice(colon + 1);
}

const namePattern = /^[A-Za-z_][\w.:-]*/;

/** Parse a whole document and return its root element. */
export function parseXml(source: string): XmlElement {
  let position = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  const skipUntil = (terminator: string, what: string): void => {
    const end = source.indexOf(terminator, position);
    if (end === -1) throw new XmlSyntaxError(`an unterminated ${what}`, position);
    position = end + terminator.length;
  };

  while (position < source.length) {
    const next = source.indexOf('<', position);
    const textEnd = next === -1 ? source.length : next;
    if (textEnd > position) {
      const raw = source.slice(position, textEnd);
      const current = stack.at(-1);
      if (current) current.text += decodeEntities(raw, position);
      else if (raw.trim() !== '') throw new XmlSyntaxError('text outside the root element', position);
      position = textEnd;
      continue;
    }
    if (source.startsWith('<?', position)) {
      skipUntil('?>', 'processing instruction');
    } else if (source.startsWith('<!--', position)) {
      skipUntil('-->', 'comment');
    } else if (source.startsWith('<![CDATA[', position)) {
      const start = position + '<![CDATA['.length;
      skipUntil(']]>', 'CDATA section');
      const current = stack.at(-1);
      if (!current) throw new XmlSyntaxError('CDATA outside the root element', start);
      current.text += source.slice(start, position - 3);
    } else if (source.startsWith('<!', position)) {
      skipUntil('>', 'declaration');
    } else if (source.startsWith('</', position)) {
      const match = namePattern.exec(source.slice(position + 2));
      const open = stack.pop();
      if (!match || !open || localName(match[0]) !== open.name) {
        throw new XmlSyntaxError(`a closing tag that matches no open element`, position);
      }
      position += 2 + match[0].length;
      const close = source.indexOf('>', position);
      if (close === -1 || source.slice(position, close).trim() !== '') {
        throw new XmlSyntaxError('a malformed closing tag', position);
      }
      position = close + 1;
    } else {
      const match = namePattern.exec(source.slice(position + 1));
      if (!match) throw new XmlSyntaxError('a malformed tag', position);
      const element: XmlElement = { name: localName(match[0]), children: [], text: '' };
      position += 1 + match[0].length;
      // Skip attributes; quoted values may contain '>' and '/'.
      let selfClosing = false;
      for (;;) {
        const char = source[position];
        if (char === undefined) throw new XmlSyntaxError('an unterminated tag', position);
        if (char === '"' || char === "'") {
          const end = source.indexOf(char, position + 1);
          if (end === -1) throw new XmlSyntaxError('an unterminated attribute value', position);
          position = end + 1;
        } else if (char === '>') {
          position++;
          break;
        } else if (source.startsWith('/>', position)) {
          position += 2;
          selfClosing = true;
          break;
        } else {
          position++;
        }
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) throw new XmlSyntaxError('a second root element', position);
      else root = element;
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError(`<${stack.at(-1)!.name}> is never closed`, position);
  if (!root) throw new XmlSyntaxError('no root element', position);
  return root;
}

/** The first child element with that name. */
export function childOf(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** All child elements with that name, in document order. */
export function childrenOf(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The trimmed text of the first child with that name, if there is one. */
export function childText(element: XmlElement, name: string): string | undefined {
  const child = childOf(element, name);
  return child === undefined ? undefined : child.text.trim();
}

/** Escape text for an element's content (the only XML Ferry writes: CompleteMultipartUpload). */
export function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
