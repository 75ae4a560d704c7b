import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * A multipart/form-data body whose file part is streamed from disk: the fields and the file part's
 * header are a few hundred bytes in memory, the file itself never is. Its length is known up front,
 * so the request carries a Content-Length (object storage rejects chunked PostObject bodies).
 */
export interface MultipartBody {
  contentType: string;
  contentLength: number;
  /** Bytes before the first byte of the file: progress is reported in file bytes. */
  headLength: number;
  /** A fresh stream of the whole body: one per attempt. */
  open(): Readable;
}

export function multipartBody(options: {
  fields: ReadonlyArray<readonly [string, string]>;
  fileFieldName: string;
  fileName: string;
  fileContentType: string;
  fileSize: number;
  openFile(): Readable;
}): MultipartBody {
  const boundary = `----FerryFormBoundary${randomBytes(16).toString('hex')}`;
  const parts = options.fields.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(name)}"\r\n\r\n${value}\r\n`,
  );
  // The file goes last: OSS ignores (and our emulator refuses) fields after it.
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuoted(options.fileFieldName)}"; ` +
      `filename="${escapeQuoted(options.fileName)}"\r\nContent-Type: ${options.fileContentType}\r\n\r\n`,
  );
  const head = Buffer.from(parts.join(''), 'utf8');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + options.fileSize + tail.length,
    headLength: head.length,
    open() {
      const openFile = options.openFile;
      return Readable.from(
        (async function* () {
          yield head;
          yield* openFile() as AsyncIterable<Buffer>;
          yield tail;
        })(),
        { objectMode: false },
      );
    },
  };
}

/** What browsers do (WHATWG multipart/form-data encoding): quotes and line breaks percent-encoded. */
function escapeQuoted(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}
