import { isAbsolute, normalize } from 'node:path';
import type { ErrorCode } from '../../shared/errors.ts';

/** Why one entry of the list produced no link; `timeout` is the API's own (the contract has none). */
export interface FileError {
  code: ErrorCode | 'timeout';
  message: string;
}

/**
 * One entry of PicGo's `list`, in input order: `given` is what the client sent (null when it was not
 * a string), then either the path to upload or why it cannot be one.
 */
export type ListItem = { given: string; path: string } | { given: string | null; error: FileError };

export type UploadRequest =
  | { kind: 'list'; items: ListItem[] }
  /** PicGo's "upload what is on the clipboard": an empty body, or a JSON object without `list`. */
  | { kind: 'clipboard' }
  | { kind: 'invalid'; message: string };

/** More than any editor sends at once; keeps one request from queueing a whole disk. */
export const maxListLength = 1000;
/** The contract's bound on a path (shared/contract.ts). */
const maxPathLength = 4096;

/**
 * PicGo's request body: `{"list": ["/abs/a.png", …]}`. The list itself must be an array, else the
 * request is refused; inside it, each entry is judged on its own so that one bad path gets its own
 * error while the others upload. Paths must be absolute: the server's working directory means nothing
 * to the editor that sent them (and URLs, which PicGo would download, are not supported).
 */
export function parseUploadRequest(body: unknown): UploadRequest {
  if (body === undefined) return { kind: 'clipboard' };
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { kind: 'invalid', message: 'The body must be a JSON object: {"list": ["/absolute/path.png"]}.' };
  if (!('list' in body) || body.list === undefined || body.list === null) return { kind: 'clipboard' };
  const { list } = body;
  if (!Array.isArray(list))
    return { kind: 'invalid', message: '"list" must be an array of absolute file paths.' };
  if (list.length === 0) return { kind: 'invalid', message: '"list" is empty: name at least one file.' };
  if (list.length > maxListLength)
    return {
      kind: 'invalid',
      message: `"list" has ${list.length} entries; at most ${maxListLength} at once.`,
    };
  return { kind: 'list', items: list.map(parseListItem) };
}

function parseListItem(value: unknown): ListItem {
  if (typeof value !== 'string') {
    return {
      given: null,
      error: {
        code: 'invalid-request',
        message: `Not a path but ${value === null ? 'null' : typeof value}.`,
      },
    };
  }
  const invalid = (message: string): ListItem => ({
    given: value,
    error: { code: 'invalid-request', message },
  });
  if (value === '') return invalid('An empty path.');
  if (value.length > maxPathLength) return invalid(`A path longer than ${maxPathLength} characters.`);
  if (value.includes('\0')) return invalid('A path with a NUL character.');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return invalid('URLs are not supported: give the absolute path of a local file.');
  if (!isAbsolute(value)) return invalid('Not an absolute path: give the full path of the file.');
  return { given: value, path: normalize(value) };
}
