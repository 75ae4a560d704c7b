import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommandError } from '../contract-dispatch.ts';
import type { FerryLogger } from '../log/logger.ts';
import { Refusal, sendAnswer, uploadAnswer } from './picgo-answer.ts';
import { parseUploadRequest, type ListItem } from './picgo-request.ts';
import { readJsonBody } from './request-body.ts';
import {
  uploadAndWait,
  uploadClipboardAndWait,
  type FileOutcome,
  type ServiceClient,
} from './upload-batch.ts';

/** The PicGo server's paths, which Typora, Obsidian plugins and PicGo-Core clients call. */
export const uploadPath = '/upload';
export const heartbeatPath = '/heartbeat';

/** What the routes need, for the life of one server. */
export interface RouteContext {
  service: ServiceClient;
  logger: FerryLogger;
  /** Read at each request, so that a new default account applies without a restart. */
  defaultAccountId(): string | null;
  maxBodyBytes: number;
  uploadTimeoutMs: number;
  /** Aborted when the server stops: waiting requests are answered 503, their uploads go on. */
  stopping: AbortSignal;
}

/** A request that passed the guard, by path: the heartbeat, an upload, or a 404. */
export async function routeRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  context: RouteContext,
): Promise<void> {
  if (url.pathname === heartbeatPath) {
    if (request.method !== 'GET' && request.method !== 'POST') throw new Refusal(405, 'Use POST or GET.');
    return sendAnswer(response, 200, { success: true, result: 'alive' });
  }
  if (url.pathname !== uploadPath)
    throw new Refusal(404, `Not found: ${uploadPath} and ${heartbeatPath} exist.`);
  if (request.method !== 'POST') throw new Refusal(405, 'Use POST.');
  return upload(request, response, context);
}

/**
 * PicGo's upload: the listed paths go through the service's contract (`uploads.add`) like a drop onto
 * the window, and the answer waits until every file has its link or error. An empty body (PicGo's
 * "upload the clipboard") uploads what `uploads.clipboard` finds there.
 */
async function upload(
  request: IncomingMessage,
  response: ServerResponse,
  context: RouteContext,
): Promise<void> {
  const { logger, stopping } = context;
  const parsed = parseUploadRequest(await readJsonBody(request, context.maxBodyBytes));
  if (parsed.kind === 'invalid') throw new Refusal(400, parsed.message);
  const accountId = context.defaultAccountId();
  if (accountId === null) {
    throw new Refusal(
      409,
      "No default account is set: choose the account that uploads from editors in Ferry's settings.",
    );
  }

  // The client hanging up (or the server stopping) ends the wait, never the uploads.
  const gone = new AbortController();
  response.on('close', () => gone.abort());
  const batch = {
    accountId,
    signal: AbortSignal.any([gone.signal, stopping]),
    timeoutMs: context.uploadTimeoutMs,
  };
  const started = Date.now();
  let items: ListItem[];
  let outcomes: FileOutcome[] = [];
  try {
    if (parsed.kind === 'clipboard') {
      const uploaded = await uploadClipboardAndWait(context.service, batch);
      if (uploaded === null)
        throw new Refusal(400, 'Nothing to upload: the clipboard holds no image and no copied file.');
      items = uploaded.paths.map((path) => ({ given: path, path }));
      outcomes = uploaded.outcomes;
    } else {
      items = parsed.items;
      const uploadable = items.flatMap((item) => ('path' in item ? [item.path] : []));
      if (uploadable.length > 0) outcomes = await uploadAndWait(context.service, uploadable, batch);
    }
  } catch (error) {
    if (error instanceof Refusal) throw error;
    if (stopping.aborted)
      throw new Refusal(503, "Ferry's local API was stopped; the uploads go on in Ferry.");
    if (gone.signal.aborted) return;
    if (error instanceof CommandError) throw refusalOf(error, parsed.kind === 'clipboard');
    throw error;
  }

  const { body, errors } = uploadAnswer(items, outcomes);
  logger.info('local api upload', {
    clipboard: parsed.kind === 'clipboard',
    files: items.length,
    uploaded: items.length - errors.length,
    failed: errors.map((error) => error.code),
    ms: Date.now() - started,
  });
  return sendAnswer(response, 200, body);
}

/**
 * The service refused the whole batch. For the clipboard form, invalid-request means this Ferry has
 * no clipboard to read (the web shell): the client is told what it can send instead.
 */
function refusalOf(error: CommandError, clipboard: boolean): Refusal {
  const { code, message } = error.view;
  // A path this door may not name (Ferry's own data folder): the whole request is suspect.
  if (code === 'path-not-granted') return new Refusal(403, message);
  if (clipboard && code === 'invalid-request') {
    return new Refusal(
      400,
      'Clipboard upload works only in the Ferry desktop app, which can read the clipboard: send {"list": ["/absolute/path.png"]} with the files to upload.',
    );
  }
  if (clipboard && code === 'file-too-large') return new Refusal(413, message);
  return new Refusal(code === 'invalid-request' ? 400 : 409, `The default account cannot upload: ${message}`);
}
