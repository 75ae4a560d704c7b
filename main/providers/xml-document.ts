import { XMLParser } from 'fast-xml-parser';

/** The one element at the top of an XML answer: its name and its content as fast-xml-parser reads it. */
export interface XmlDocument {
  root: string;
  content: unknown;
}

/**
 * A reader of object stores' XML answers (S3, Aliyun OSS): one root element, facts in elements, never
 * a DOCTYPE. `repeated` names the elements (as `Root.Child` paths) that must read as a list even when
 * one stands alone. A body that is not such a document is a problem, never half an answer.
 */
export function xmlDocumentReader(
  repeated: ReadonlySet<string> = new Set(),
): (body: string) => XmlDocument | { problem: string } {
  const parser = new XMLParser({
    // The stores carry their facts in elements; the root's xmlns (and any prefix) is noise.
    ignoreAttributes: true,
    removeNSPrefix: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    // Upload ids, keys, ETags and part numbers stay text: "0123" or "1e5" must not turn into numbers.
    parseTagValue: false,
    // Without it numeric character references stay undecoded, and Go servers (MinIO) write an ETag's
    // quotes as &#34;. It also decodes HTML's named entities, which the stores never send.
    htmlEntities: true,
    isArray: (_name, jPath) => repeated.has(String(jPath)),
  });
  return (body) => {
    // S3 may send whitespace before a 200 Complete's document to keep the connection open, and XML
    // allows nothing before the declaration.
    const text = body.trim();
    // The stores never declare entities; refusing a DOCTYPE keeps entity expansion out of the question.
    if (/<!DOCTYPE/i.test(text)) return { problem: 'a DOCTYPE declaration' };
    let document: Record<string, unknown>;
    try {
      document = parser.parse(text, true) as Record<string, unknown>;
    } catch (error) {
      return { problem: error instanceof Error ? error.message : String(error) };
    }
    const roots = Object.keys(document);
    if (roots.length !== 1) return { problem: `${roots.length} root elements` };
    return { root: roots[0]!, content: document[roots[0]!] };
  };
}
