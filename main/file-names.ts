import { isAbsolute, relative, sep } from 'node:path';
import { fitName, wellFormed } from '../shared/name-fit.ts';

// Kept importable from here: the service and the providers name files through this module.
export { fitName, wellFormed };

/** What most file systems (ext4, APFS, NTFS once encoded as UTF-8 on the wire) allow for one name. */
export const maxFileNameBytes = 255;

/**
 * A name a browser or a paste sent, made safe to create inside a folder of ours: only its last path
 * segment, without control characters or characters Windows refuses, never `.` or `..`, at most 255
 * bytes in UTF-8 (a name from macOS or Windows may have 255 characters of three bytes each). On the
 * bottom floor because the web shell's staging PUT and the service's pasted-data staging both name
 * files this way.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control characters and names that mean something to a file system are replaced, not trusted.
  const cleaned = [...wellFormed(base)]
    .map((char) =>
      char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f || '<>:"|?*'.includes(char) ? '_' : char,
    )
    .join('')
    .trim();
  if (cleaned === '' || cleaned === '.' || cleaned === '..') return 'file';
  return fitName(cleaned, maxFileNameBytes);
}

/**
 * Whether `path` lies inside `folder` (not the folder itself), both absolute, compared as written (no
 * links followed). A name that merely starts with two dots (`..notes`) is inside; `..` is not.
 */
export function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
