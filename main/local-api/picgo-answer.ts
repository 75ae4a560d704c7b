import type { ServerResponse } from 'node:http';
import type { FileError, ListItem } from './picgo-request.ts';
import type { FileOutcome } from './upload-batch.ts';

/** One file that got no link: its place in the list, what the client sent, and why. */
export interface AnswerError {
  index: number;
  path: string | null;
  code: FileError['code'];
  message: string;
}

/** PicGo's answer, which Typora, Obsidian plugins and PicGo-Core clients read. */
export type PicGoAnswer =
  | { success: true; result: string[] | string }
  | { success: false; message: string; result?: Array<string | null>; errors?: AnswerError[] };

/** A refusal: the request ends here with this status and message. */
export class Refusal extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function failure(message: string): PicGoAnswer {
  return { success: false, message };
}

export function sendAnswer(response: ServerResponse, status: number, body: PicGoAnswer): void {
  if (response.headersSent || response.destroyed) return;
  response
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    .end(JSON.stringify(body));
}

/**
 * The answer to an upload request: every link in list order, or, when some file failed, which got
 * what. `outcomes` are those of the list's uploadable entries, in order.
 */
export function uploadAnswer(
  items: readonly ListItem[],
  outcomes: readonly FileOutcome[],
): { body: PicGoAnswer; errors: AnswerError[] } {
  let next = 0;
  const result: Array<string | null> = [];
  const errors: AnswerError[] = [];
  items.forEach((item, index) => {
    const outcome = 'path' in item ? outcomes[next++]! : { error: item.error };
    if ('url' in outcome) {
      result.push(outcome.url);
    } else {
      result.push(null);
      errors.push({ index, path: item.given, ...outcome.error });
    }
  });
  if (errors.length === 0) return { body: { success: true, result: result as string[] }, errors };
  // PicGo clients read `success` and `message`; `result` and `errors` say which file got what.
  const shown = errors
    .slice(0, 3)
    .map((error) => `${error.path ?? `entry ${error.index + 1}`}: ${error.message}`)
    .join('; ');
  const more = errors.length > 3 ? `; and ${errors.length - 3} more` : '';
  const message = `${errors.length} of ${items.length} file${items.length === 1 ? '' : 's'} could not be uploaded. ${shown}${more}`;
  return { body: { success: false, message, result, errors }, errors };
}
