/**
 * What an answer Ferry could not use looked like, in words that are safe to show and log: its length
 * and its shape (JSON object and the names of its first fields, XML and its root element, text),
 * never its content. A storage callback or a gateway page may echo tokens or signed URLs, and the
 * message of an error travels to the queue, the history and the logs.
 */
export function describeAnswer(body: string): string {
  const bytes = Buffer.byteLength(body);
  const text = body.trim();
  if (bytes === 0) return 'an empty body';
  const size = `${bytes} byte${bytes === 1 ? '' : 's'}`;
  return `${shapeOf(text)}, ${size}`;
}

function shapeOf(text: string): string {
  if (text === '') return 'only whitespace';
  if (text.startsWith('{') || text.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return 'a body that starts like JSON but does not parse, perhaps cut off';
    }
    if (Array.isArray(json)) return `a JSON array of ${json.length} item${json.length === 1 ? '' : 's'}`;
    const keys = Object.keys(json as object);
    return keys.length === 0 ? 'an empty JSON object' : `a JSON object with ${fieldList(keys)}`;
  }
  if (text.startsWith('<')) {
    if (/^<!doctype html/i.test(text)) return 'an HTML page';
    const prologue = /^(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*)*/.exec(text)![0];
    const root = /^<([A-Za-z_][\w.:-]{0,40})/.exec(text.slice(prologue.length))?.[1];
    if (root?.toLowerCase() === 'html') return 'an HTML page';
    return root ? `XML whose root is <${root}>` : 'a body that starts with "<" but is not XML';
  }
  return 'text that is neither JSON nor XML';
}

/** Field names say what kind of answer it was; only plain identifiers are shown, and a few of them. */
function fieldList(keys: readonly string[]): string {
  const shown = keys.filter((key) => /^[\w.-]{1,32}$/.test(key)).slice(0, 5);
  const rest = keys.length - shown.length;
  const count = `${keys.length} field${keys.length === 1 ? '' : 's'}`;
  if (shown.length === 0) return count;
  const names = shown.map((key) => `"${key}"`).join(', ');
  return `${count} (${names}${rest > 0 ? `, and ${rest} more` : ''})`;
}
