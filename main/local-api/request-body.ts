import type { IncomingMessage } from 'node:http';
import { Refusal } from './picgo-answer.ts';

/**
 * The body as JSON; undefined when it is empty (PicGo's clipboard form). Only JSON (or no declared
 * type): a page that slipped past the Origin check still could not send a form or plain text.
 */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    request.resume(); // drained and discarded, bounded by the server's requestTimeout
    throw new Refusal(413, `The body is larger than ${maxBytes} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      tooLarge = true;
      continue; // keep draining so the answer reaches the client
    }
    chunks.push(chunk);
  }
  if (tooLarge) throw new Refusal(413, `The body is larger than ${maxBytes} bytes.`);
  if (size === 0) return undefined;
  const type = request.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;|$)/i.test(type)) {
    throw new Refusal(415, 'The body must be JSON (Content-Type: application/json).');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Refusal(400, 'The body is not valid JSON.');
  }
}
