import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** A `multipart/form-data` body with one file part, streamed, its exact length known up front. */
export interface MultipartFileBody {
  contentType: string;
  /** Bytes on the wire: part headers + file + closing boundary. */
  contentLength: number;
  /** Bytes before the file's first byte, to turn wire progress into file progress. */
  headLength: number;
  stream: Readable;
}

/**
 * Build the body by hand rather than through FormData: FormData goes out chunked with no
 * Content-Length, and a server that enforces a size limit (Easemob's 413) is better told the size
 * before it reads the body. The file itself is streamed from `openFile()`, never held in memory.
 */
export function multipartFileBody(options: {
  fieldName: string;
  fileName: string;
  mimeType: string;
  size: number;
  openFile(): Readable;
}): MultipartFileBody {
  const boundary = `----FerryBoundary${randomBytes(16).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${escapeQuoted(options.fieldName)}"; filename="${escapeQuoted(options.fileName)}"\r\n` +
      `Content-Type: ${options.mimeType}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of options.openFile() as AsyncIterable<Buffer>) yield chunk;
    yield tail;
  }
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + options.size + tail.length,
    headLength: head.length,
    stream: Readable.from(parts(), { objectMode: false }),
  };
}

/** The HTML form encoding of names in quoted header parameters (what browsers send). */
function escapeQuoted(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}
