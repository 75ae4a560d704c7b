import { FormDataEncoder, isFile } from 'form-data-encoder';
import { UploadError } from '../net/upload-error.ts';
import type { LocalFile } from './provider.ts';

/**
 * form-data-encoder passes chunks of up to 64 KiB through as they are; larger ones it copies into
 * 64 KiB pieces counted from the start of their ArrayBuffer, which misreads a view at an offset. So
 * the file's chunks are handed over as views of at most this size.
 */
const pieceSize = 64 * 1024;
/** Bytes of the file per read from disk, handed to the encoder in `pieceSize` views. */
const readBytes = 1024 * 1024;

type FormFile = Pick<LocalFile, 'name' | 'remoteName' | 'size' | 'mimeType' | 'mtimeMs' | 'readChunks'>;

/**
 * A File whose bytes stay on disk: `size` is the size the engine checked before this attempt, and
 * `stream()` reads the file through `readChunks` as the body goes out, so the engine hashes what is
 * sent and checks the file before the last bytes (the form post completes the upload). The reads go
 * into two reused buffers, not a new one per read as a file stream's: a 2 GiB form sent from a file
 * stream cost well over a hundred full garbage collections, for memory outside the heap. The encoder
 * only uses `name`, `type`, `size` and `stream()`; the platform's own readers (`arrayBuffer()`,
 * `new Response(form)`) would see the empty Blob underneath, which is why the FormData holding it
 * never leaves this module.
 *
 * Not `fs.openAsBlob`: a disk-backed Blob whose stream is abandoned mid-body (a cancel, a stall, a
 * dropped connection) keeps its file descriptor open until garbage collection, while `readChunks`
 * closes it as soon as the encoder stops pulling.
 */
class DiskFile extends File {
  /** An own property, shadowing Blob's getter (which would say 0). */
  override readonly size: number;
  readonly #file: FormFile;

  constructor(file: FormFile) {
    super([], file.remoteName ?? file.name, { type: file.mimeType, lastModified: file.mtimeMs });
    this.size = file.size;
    this.#file = file;
  }

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const reads = pieces(this.#file.readChunks(0, this.size, readBytes, { completesUpload: true }));
    // Pulled one piece at a time; a cancel (the request stopped) ends the reads and closes the file.
    return new ReadableStream(
      {
        async pull(controller) {
          const next = await reads.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        },
        async cancel() {
          await reads.return(undefined);
        },
      },
      { highWaterMark: 0 },
    );
  }
}

/** The chunks as views of at most `pieceSize` bytes; stopping early ends the reads and closes the file. */
async function* pieces(chunks: AsyncIterable<Buffer>): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  try {
    for await (const chunk of chunks as AsyncIterable<Buffer<ArrayBuffer>>) {
      for (let offset = 0; offset < chunk.length; offset += pieceSize)
        yield chunk.subarray(offset, offset + pieceSize);
    }
  } catch (error) {
    // got would pass a failed read on as a network problem, to retry: a shorter file is a changed one.
    if ((error as { code?: unknown } | null)?.code !== 'ESHORTREAD') throw error;
    throw UploadError.of(
      'file-changed',
      'The file changed during its upload: it got shorter while it was being read; retry to upload it from the start.',
    );
  }
}

/** One attempt's multipart/form-data body: its fields first, then one file part streamed from disk. */
export interface MultipartFileForm {
  /** Content-Type with the boundary, and the exact Content-Length: storage refuses chunked form posts. */
  headers: { 'content-type': string; 'content-length': string };
  /**
   * The encoded body, for got: each chunk is valid only until the next is asked for (the file is read
   * into reused buffers), and got asks for the next once the socket has taken the last. A consumed body
   * cannot be sent again, so build a new form per attempt; `return()` ends one early and closes the file.
   */
  body: AsyncGenerator<Uint8Array>;
  /** How many file bytes are in the first `transferred` bytes of the body (progress counts file bytes). */
  fileBytes(transferred: number): number;
}

/**
 * Encode `fields` in their order, then the file under `fileField`: the file goes last because OSS
 * PostObject ignores fields after it (and the IM file API emulator refuses them). The Content-Length
 * is known before the first byte, so a server that enforces a size limit (Easemob's 413) can answer
 * early; memory holds the fields and a read or two of the file, never all of it.
 */
export function multipartFileForm(options: {
  fields: ReadonlyArray<readonly [string, string]>;
  fileField: string;
  file: FormFile;
}): MultipartFileForm {
  const form = new FormData();
  for (const [name, value] of options.fields) form.append(name, value);
  // No filename argument: FormData would copy the File into a new one and lose the disk reads.
  form.append(options.fileField, new DiskFile(options.file));
  const encoder = new FormDataEncoder(form);

  // values() lists the encoded parts without reading the file: everything before it is framing.
  let headLength = 0;
  for (const part of encoder.values()) {
    if (isFile(part)) break;
    headLength += part.byteLength;
  }
  const size = options.file.size;
  return {
    headers: {
      'content-type': encoder.contentType,
      'content-length': encoder.contentLength!,
    },
    body: encoder.encode(),
    fileBytes: (transferred) => Math.max(0, Math.min(size, transferred - headLength)),
  };
}
