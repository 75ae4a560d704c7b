/**
 * A name a browser or a paste sent, made safe to create inside a folder of ours: only its last path
 * segment, without control characters or characters Windows refuses, never `.` or `..`, at most 200
 * characters. On the bottom floor because the web shell's staging PUT and the service's pasted-data
 * staging both name files this way.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control characters and names that mean something to a file system are replaced, not trusted.
  const cleaned = [...base]
    .map((char) =>
      char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f || '<>:"|?*'.includes(char) ? '_' : char,
    )
    .join('')
    .trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return 'file';
  return cleaned.slice(0, 200);
}
